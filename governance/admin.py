from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Assessment, CommitteeMeeting, Decision, PrioritisationRound


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """The workflow's records change only through the services, which check the
    rules; the admin shows them and their history."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["case", "score", "rank", "recommendation", "assessed_by", "updated_at"]
    list_filter = ["recommendation", "case__cycle"]
    list_select_related = ["case", "assessed_by"]


@admin.register(PrioritisationRound)
class PrioritisationRoundAdmin(ReadOnlyAdmin):
    list_display = ["cycle", "published_at", "published_by"]


@admin.register(CommitteeMeeting)
class CommitteeMeetingAdmin(ReadOnlyAdmin):
    list_display = ["held_on", "title", "cycle"]
    list_filter = ["cycle"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["case", "outcome", "decided_on", "meeting", "recorded_by"]
    list_filter = ["outcome", "meeting__cycle"]
    list_select_related = ["case", "meeting", "recorded_by"]
