from django.contrib import admin

from kkdigital.admin import GovernedAdmin

from .models import (
    Assessment,
    BudgetCycle,
    CaseTransition,
    CommitteeMeeting,
    Decision,
    Notification,
    Phase,
    PrioritisationRound,
)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(BudgetCycle)
class BudgetCycleAdmin(GovernedAdmin):
    # Cycles and their phase dates change on the cycle pages, through the services.
    list_display = ("__str__", "budget_year")
    list_filter = ("budget_year",)
    search_fields = ("budget_year",)
    inlines = [PhaseInline]


@admin.register(Phase)
class PhaseAdmin(GovernedAdmin):
    list_display = ("cycle", "kind", "starts_on", "ends_on")
    list_filter = ("cycle", "kind")
    search_fields = ("cycle__budget_year",)


# Records written by the services: read, never changed in the admin.
ReadOnlyAdmin = GovernedAdmin


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


ReadOnlyHistoryAdmin = GovernedAdmin


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "score", "rank", "recommendation", "assessed_by", "updated_at"]
    list_filter = ["recommendation", "case__cycle"]
    list_select_related = ["case", "assessed_by"]


@admin.register(PrioritisationRound)
class PrioritisationRoundAdmin(ReadOnlyHistoryAdmin):
    list_display = ["cycle", "published_at", "published_by"]


@admin.register(CommitteeMeeting)
class CommitteeMeetingAdmin(ReadOnlyHistoryAdmin):
    list_display = ["held_on", "title", "cycle"]
    list_filter = ["cycle"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "outcome", "decided_on", "meeting", "recorded_by"]
    list_filter = ["outcome", "meeting__cycle"]
    list_select_related = ["case", "meeting", "recorded_by"]
