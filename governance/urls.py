"""The process: the annual cycle and the case workflow (namespace "governance")."""

from django.urls import path

from governance.views import audit, cycles, notifications, overview

app_name = "governance"

urlpatterns = [
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
]
