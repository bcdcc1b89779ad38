from django.urls import path

from .views import meetings, prioritisation, queue, workflow

app_name = "governance"

urlpatterns = [
    path("sager/<int:pk>/<slug:action>/", workflow.case_action, name="case-action"),
    path("kvalificering/", queue.qualification_queue, name="qualification-queue"),
    path("prioritering/", prioritisation.prioritisation_page, name="prioritisation"),
    path(
        "prioritering/eksport.csv",
        prioritisation.prioritisation_export,
        name="prioritisation-export",
    ),
    path(
        "prioritering/sager/<int:pk>/vurdering/",
        prioritisation.assessment_edit,
        name="assessment-edit",
    ),
    path(
        "prioritering/<int:cycle_pk>/offentliggoer/",
        prioritisation.prioritisation_publish_view,
        name="prioritisation-publish",
    ),
    path("moeder/", meetings.meeting_list, name="meeting-list"),
    path("moeder/videresend/", meetings.forward_cases, name="forward-cases"),
    path("moeder/<int:pk>/", meetings.meeting_detail, name="meeting-detail"),
    path("moeder/<int:pk>/beslutning/", meetings.decision_record_all_view, name="decide-all"),
    path(
        "moeder/<int:pk>/beslutning/<int:case_pk>/",
        meetings.decision_record_view,
        name="decide-case",
    ),
]
