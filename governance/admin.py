from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import BudgetCycle, CaseTransition, Notification, Phase


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(BudgetCycle)
class BudgetCycleAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "budget_year")
    list_filter = ("budget_year",)
    search_fields = ("budget_year",)
    inlines = [PhaseInline]


@admin.register(Phase)
class PhaseAdmin(SimpleHistoryAdmin):
    list_display = ("cycle", "kind", "starts_on", "ends_on")
    list_filter = ("cycle", "kind")
    search_fields = ("cycle__budget_year",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the services: read, never changed in the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseTransition)
class CaseTransitionAdmin(ReadOnlyAdmin):
    list_display = ("case", "from_state", "to_state", "actor", "created_at")
    list_filter = ("to_state", "from_state", "case__cycle")
    search_fields = ("case__title", "comment", "actor__username")
    list_select_related = ("case", "actor")
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("subject", "recipient", "case", "created_at", "read_at", "emailed_at")
    list_filter = ("read_at", "emailed_at")
    search_fields = ("subject", "body", "recipient__username")
    list_select_related = ("recipient", "case")
