from django.urls import path

from governance.views import audit, notifications, overview

app_name = "governance"

urlpatterns = [
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
