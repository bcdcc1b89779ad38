"""The Economic Committee's meetings and the decisions recorded from them."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from governance import permissions
from governance.models import BudgetCycle, CommitteeMeeting, Decision, DecisionOutcome
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


def case_decide_with_grants(
    *,
    actor,
    case_pk: int,
    meeting: CommitteeMeeting,
    outcome: str,
    text: str,
    grants: dict | None = None,
    override_reason: str = "",
    capacity_override_reason: str = "",
) -> Decision:
    """Record the committee's decision and, when it approves, the money it granted per
    channel and year (``grants``: channel → {year: kroner or None}).

    One transaction: a grant refused by a channel's capacity
    (``financing.services.CapacityExceeded``) leaves the decision unrecorded too.
    """
    from financing.services import CapacityExceeded, allocation_grant_set

    with transaction.atomic():
        decision = case_decide(
            actor=actor,
            case_pk=case_pk,
            meeting=meeting,
            outcome=outcome,
            text=text,
            override_reason=override_reason,
        )
        if outcome == DecisionOutcome.APPROVED:
            for channel, amounts in (grants or {}).items():
                try:
                    allocation_grant_set(
                        actor=actor,
                        case=decision.case,
                        channel=channel,
                        amounts=amounts,
                        override_reason=capacity_override_reason,
                    )
                except CapacityExceeded as error:
                    # The decision form names its cells by channel and year.
                    raise CapacityExceeded(
                        error.message,
                        {
                            key.replace("amount_", f"grant_{channel.kind}_"): items
                            for key, items in error.problems.items()
                        },
                        error.over,
                    ) from error
    return decision
