"""The financing pages (namespace "financing")."""

from django.urls import path

from . import views

app_name = "financing"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("eksport.<str:fmt>", views.overview_export, name="overview-export"),
    path("sag/<int:pk>/", views.case_financing, name="case-financing"),
    path("sag/<int:pk>/laan/", views.loan_create, name="loan-create"),
    path("laan/<str:department_code>/", views.loan_ledger, name="loan-ledger"),
    path("laan/flyt/<int:pk>/", views.loan_move, name="loan-move"),
]
