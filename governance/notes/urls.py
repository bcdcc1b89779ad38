"""URLs of the budget notes, exports and spreadsheets (added to the "governance" namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("sager/<int:pk>/budgetnotat.pdf", views.case_note_download, name="case-note"),
]
