"""URLs of the budget notes, exports and spreadsheets (added to the "governance" namespace)."""

from django.urls import path

from governance.exports import views as exports

from . import views

urlpatterns = [
    path("sager/<int:pk>/budgetnotat.pdf", views.case_note_download, name="case-note"),
    path("eksporter/", exports.export_list, name="export-list"),
    path("eksporter/start/", exports.export_start_view, name="export-start"),
    path("eksporter/<int:pk>/raekke/", exports.export_row, name="export-row"),
    path("eksporter/<int:pk>/igen/", exports.export_restart_view, name="export-restart"),
    path("eksporter/<int:pk>/fil/", exports.export_download, name="export-download"),
]
