"""URLs of the follow-up, included into the governance namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.followup_list, name="followup-list"),
    path("runder/ny/", views.round_create, name="followup-round-create"),
    path("runder/<int:pk>/", views.round_detail, name="followup-round"),
    path("runder/<int:pk>/taerskler/", views.round_edit, name="followup-round-edit"),
    path("runder/<int:pk>/rapport/", views.round_report, name="followup-round-report"),
    path("runder/<int:pk>/rapport.pdf", views.round_report_pdf, name="followup-round-report-pdf"),
    path("rapporter/<int:pk>/", views.report_detail, name="followup-report"),
    path("rapporter/<int:pk>/ret/", views.report_edit, name="followup-report-edit"),
    path("rapporter/<int:pk>/indsend/", views.report_submit, name="followup-report-submit"),
    path("sager/<int:case_pk>/ny-baseline/", views.case_rebaseline, name="followup-rebaseline"),
    path("maal/<int:metric_pk>/", views.target_entry, name="followup-target-entry"),
    path("portefoeljen/", views.portfolio_glance_view, name="portfolio-glance"),
]
