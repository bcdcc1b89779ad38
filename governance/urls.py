"""The process: the annual cycle and the case workflow (namespace "governance")."""

from django.urls import include, path

from governance.board.urls import urlpatterns as board_urls
from governance.commonfirst import views as common_first
from governance.notes.urls import urlpatterns as notes_urlpatterns
from governance.plans.urls import urlpatterns as plan_urls
from governance.views import (
    audit,
    cycles,
    meetings,
    notifications,
    overview,
    queue,
    retender,
    workflow,
)

app_name = "governance"

urlpatterns = [
    *board_urls,
    *plan_urls,
    path("genudbud/<int:contract_pk>/", retender.retender_case_create_view,
         name="retender-create"),
    path("aarshjul/", cycles.annual_cycle, name="annual-cycle"),
    path("cyklusser/", cycles.cycle_list, name="cycle-list"),
    path("cyklusser/opret/", cycles.cycle_create, name="cycle-create"),
    path("cyklusser/<int:year>/", cycles.cycle_detail, name="cycle-detail"),
    path("cyklusser/<int:year>/faser/", cycles.cycle_edit, name="cycle-edit"),
    path(
        "cyklusser/<int:year>/overfoer/", cycles.cycle_carry_over, name="cycle-carry-over"
    ),
    path("notifikationer/", notifications.notification_list, name="notification-list"),
    path(
        "notifikationer/<int:pk>/laest/",
        notifications.notification_read,
        name="notification-read",
    ),
    path(
        "notifikationer/alle-laest/",
        notifications.notification_read_all,
        name="notification-read-all",
    ),
    path("overblik/", overview.cycle_overview, name="cycle-overview"),
    path("overblik/<int:budget_year>/", overview.cycle_overview, name="cycle-overview-year"),
    path("revisionslog/", audit.audit_log, name="audit-log"),
    path("sager/<int:pk>/<slug:action>/", workflow.case_action, name="case-action"),
    path("kvalificering/", queue.qualification_queue, name="qualification-queue"),
    path("opfoelgning/", include("governance.followup.urls")),
    path(
        "faelles-foerst/<int:pk>/<int:other_pk>/",
        common_first.mark_crosscutting,
        name="mark-crosscutting",
    ),
    path("moeder/", meetings.meeting_list, name="meeting-list"),
    path("moeder/videresend/", meetings.forward_cases, name="forward-cases"),
    path("moeder/<int:pk>/", meetings.meeting_detail, name="meeting-detail"),
    path("moeder/<int:pk>/ret/", meetings.meeting_edit, name="meeting-edit"),
    path("moeder/<int:pk>/beslutning/", meetings.decision_record_all_view, name="decide-all"),
    path(
        "moeder/<int:pk>/beslutning/<int:case_pk>/",
        meetings.decision_record_view,
        name="decide-case",
    ),
]
urlpatterns += notes_urlpatterns
