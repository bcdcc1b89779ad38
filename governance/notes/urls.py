"""URLs of the budget notes, exports and spreadsheets (added to the "governance" namespace)."""

from django.urls import path

from governance.exports import views as exports
from governance.spreadsheets import views as sheets

from . import views

urlpatterns = [
    path("sager/<int:pk>/budgetnotat.pdf", views.case_note_download, name="case-note"),
    path("eksporter/", exports.export_list, name="export-list"),
    path("eksporter/start/", exports.export_start_view, name="export-start"),
    path("eksporter/<int:pk>/raekke/", exports.export_row, name="export-row"),
    path("eksporter/<int:pk>/igen/", exports.export_restart_view, name="export-restart"),
    path("eksporter/<int:pk>/fil/", exports.export_download, name="export-download"),
    path("regneark/sager.<str:fmt>", sheets.case_list_download, name="sheet-cases"),
    path(
        "regneark/plan/<str:department_code>/<int:budget_year>.<str:fmt>",
        sheets.department_plan_download,
        name="sheet-department-plan",
    ),
    path(
        "regneark/finansiering/<int:budget_year>.<str:fmt>",
        sheets.financing_download,
        name="sheet-financing",
    ),
    path("regneark/plan-<int:budget_year>.<str:fmt>", sheets.plan_download, name="sheet-plan"),
    path(
        "regneark/import/<str:department_code>/<int:budget_year>/",
        sheets.import_view,
        name="sheet-import",
    ),
    path(
        "regneark/import/<str:department_code>/<int:budget_year>/skabelon.xlsx",
        sheets.import_template_download,
        name="sheet-import-template",
    ),
]
