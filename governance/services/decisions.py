"""The Economic Committee's meetings and the decisions recorded from them."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from governance import permissions
from governance.models import BudgetCycle, CommitteeMeeting, Decision
from governance.services.workflow import TransitionError, case_decide
from governance.workflow import table
from kkdigital.lib.errors import ServiceError


def meeting_create(
    *, actor, cycle: BudgetCycle, held_on: datetime.date, title: str
) -> CommitteeMeeting:
    """The secretariat registers a meeting of the Economic Committee."""
    if not permissions.is_secretariat(actor):
        raise PermissionDenied
    meeting = CommitteeMeeting(cycle=cycle, held_on=held_on, title=title.strip(), created_by=actor)
    meeting.full_clean()
    meeting._history_user = actor
    with transaction.atomic():
        meeting.save()
    return meeting


class MeetingError(ServiceError):
    """A change to a meeting that cannot be made; the message is for the person."""


def meeting_update(
    *, actor, meeting_pk: int, held_on: datetime.date, title: str
) -> CommitteeMeeting:
    """The secretariat corrects a registered meeting's date and agenda item, until
    decisions are recorded from it (they carry the meeting's date)."""
    if not permissions.is_secretariat(actor):
        raise PermissionDenied
    with transaction.atomic():
        meeting = CommitteeMeeting.objects.select_for_update().get(pk=meeting_pk)
        if Decision.objects.filter(meeting=meeting).exists():
            raise MeetingError(
                _("Decisions are recorded from this meeting: it can no longer be corrected.")
            )
        meeting.held_on = held_on
        meeting.title = (title or "").strip()
        meeting.full_clean()
        meeting._history_user = actor
        meeting.save(update_fields=["held_on", "title"])
    return meeting


def meeting_decide_all(
    *, actor, meeting: CommitteeMeeting, outcome: str, text: str, override_reason: str = ""
) -> list[Decision]:
    """Record the same decision for every case of the meeting still awaiting one.

    One transaction: if any case cannot take the decision, none does.
    """
    with transaction.atomic():
        pks = list(
            meeting.cases.filter(state__in=table.from_states("approve")).order_by("pk").values_list(
                "pk", flat=True
            )
        )
        if not pks:
            raise TransitionError(_("No case of the meeting is awaiting a decision."))
        return [
            case_decide(
                actor=actor,
                case_pk=pk,
                meeting=meeting,
                outcome=outcome,
                text=text,
                override_reason=override_reason,
            )
            for pk in pks
        ]
