from django.urls import path

from .views import read

app_name = "portfolio"

urlpatterns = [
    path("", read.case_list, name="case-list"),
    path("<int:pk>/", read.case_detail, name="case-detail"),
    path("plan/", read.department_plan_index, name="department-plan-index"),
    path(
        "plan/<str:department_code>/<int:budget_year>/",
        read.department_plan,
        name="department-plan",
    ),
]
