"""The plan's pages, in the governance namespace."""

from django.urls import path

from governance.plans import views

urlpatterns = [
    path("plan/", views.plan_page, name="plan"),
    path("plan/versioner/<int:pk>/", views.plan_version_page, name="plan-version"),
]
