"""Case pages and the department plans (namespace "portfolio")."""

from django.urls import path

from .views import edit, read

app_name = "portfolio"

urlpatterns = [
    path("", read.case_list, name="case-list"),
    path("ny/", edit.case_create_view, name="case-create"),
    path("<int:pk>/", read.case_detail, name="case-detail"),
    path("<int:pk>/rediger/", edit.case_edit_view, name="case-edit"),
    path("plan/", read.department_plan_index, name="department-plan-index"),
    path(
        "plan/<str:department_code>/<int:budget_year>/",
        read.department_plan,
        name="department-plan",
    ),
]
