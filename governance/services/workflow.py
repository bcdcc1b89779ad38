"""The case workflow: one service per transition of ``InvestmentCase.TRANSITIONS``.

Every transition runs through ``_transition``: in one transaction, with the
case row locked, it checks the transition from the case's current state, the
actor's role and department, the cycle's open phase and any rule of its own,
then saves the state and writes the ``CaseTransition`` record. A refusal raises
``TransitionError`` with a Danish message and changes nothing.
"""

from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import (
    CaseTransition,
    CommitteeMeeting,
    Decision,
    DecisionOutcome,
    PhaseKind,
)
from governance.services.notifications import notify_transition
from portfolio import permissions
from portfolio.models import CaseState, InvestmentCase
from portfolio.services import case_note_code_assign

# In which open phase of the case's cycle each target state may be reached.
# No entry: at any time. A returned case may be resubmitted while the
# secretariat is still qualifying, so that the department can answer it.
PHASES: dict[str, tuple[str, ...]] = {
    CaseState.SUBMITTED: (PhaseKind.INTAKE,),
    CaseState.WITHDRAWN: (PhaseKind.INTAKE,),
    CaseState.QUALIFIED: (PhaseKind.QUALIFICATION,),
    CaseState.RETURNED: (PhaseKind.QUALIFICATION,),
    CaseState.PRIORITISED: (PhaseKind.PRIORITISATION,),
    CaseState.NOT_RECOMMENDED: (PhaseKind.PRIORITISATION,),
    CaseState.FORWARDED: (PhaseKind.TRANSFER_CASE, PhaseKind.BUDGET_NEGOTIATIONS),
    CaseState.APPROVED: (PhaseKind.TRANSFER_CASE, PhaseKind.BUDGET_NEGOTIATIONS),
    CaseState.REJECTED: (PhaseKind.TRANSFER_CASE, PhaseKind.BUDGET_NEGOTIATIONS),
    CaseState.DEFERRED: (PhaseKind.TRANSFER_CASE, PhaseKind.BUDGET_NEGOTIATIONS),
}
RESUBMISSION_PHASES = (PhaseKind.INTAKE, PhaseKind.QUALIFICATION)

class TransitionError(Exception):
    """A transition that is not allowed; ``message`` says why, in the user's language.

    ``problems`` holds the completeness problems by field when a submission
    was refused for missing content.
    """

    def __init__(self, message: str, problems: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or {}


def required_phases(case: InvestmentCase, to_state: str) -> tuple[str, ...]:
    """The phases of which one must be open to move ``case`` to ``to_state``."""
    if to_state == CaseState.SUBMITTED and case.state == CaseState.RETURNED:
        return RESUBMISSION_PHASES
    return PHASES.get(to_state, ())


def is_in_phase(case: InvestmentCase, to_state: str) -> bool:
    phases = required_phases(case, to_state)
    return not phases or any(case.cycle.is_phase_open(kind) for kind in phases)


def _phase_names(phases: Iterable[str]) -> str:
    return _(" or ").join(str(PhaseKind(kind).label).lower() for kind in phases)


def _state_name(state: str) -> str:
    return str(CaseState(state).label).lower()


def _refuse_state(case: InvestmentCase, to_state: str) -> TransitionError:
    if case.state == to_state:
        return TransitionError(
            _("The case is already %(state)s.") % {"state": _state_name(to_state)}
        )
    return TransitionError(
        _("The case is %(state)s and cannot be moved to %(to)s.")
        % {"state": _state_name(case.state), "to": _state_name(to_state)}
    )


def _transition(
    *,
    actor,
    case_pk: int,
    to_state: str,
    allowed: Callable[[object, InvestmentCase], bool],
    comment: str = "",
    override_reason: str = "",
    check: Callable[[InvestmentCase], None] | None = None,
) -> CaseTransition:
    """Move one case to ``to_state`` if every rule allows it; the one place all
    transitions pass through."""
    comment = comment.strip()
    override_reason = override_reason.strip()
    with transaction.atomic():
        # Lock the row first and check everything against the state it has now:
        # a second, concurrent or repeated request waits here and is refused.
        case = (
            InvestmentCase.objects.select_for_update(of=("self",))
            .select_related("cycle")
            .get(pk=case_pk)
        )
        if not case.can_transition_to(to_state):
            raise _refuse_state(case, to_state)
        if not allowed(actor, case):
            raise TransitionError(_("You are not allowed to do this with the case."))
        override = ""
        if not is_in_phase(case, to_state):
            phases = _phase_names(required_phases(case, to_state))
            if not permissions.is_secretariat(actor):
                raise TransitionError(
                    _("This can only be done while the phase %(phases)s is open.")
                    % {"phases": phases}
                )
            if not override_reason:
                raise TransitionError(
                    _(
                        "The phase %(phases)s is not open. Give a reason to act "
                        "outside the phase."
                    )
                    % {"phases": phases}
                )
            override = override_reason
        if check is not None:
            check(case)

        from_state = case.state
        case.state = to_state
        # The edit form compares versions: a case that moved on is not saved over.
        case.version += 1
        case._change_reason = _("%(from)s → %(to)s") % {
            "from": CaseState(from_state).label,
            "to": CaseState(to_state).label,
        }
        case._history_user = actor
        case.save(update_fields=["state", "version", "updated_at"])
        record = CaseTransition(
            case=case,
            from_state=from_state,
            to_state=to_state,
            actor=actor,
            comment=comment,
            phase_override_reason=override,
            created_at=timezone.now(),
        )
        record.full_clean()
        record.save()
        # Same transaction: a refused or rolled-back transition notifies nobody.
        notify_transition(record)
    return record


def case_submit(*, actor, case_pk: int, comment: str = "", override_reason: str = ""):
    """The owning department's IT lead submits a complete draft or returned case
    during the intake (a returned case also during the qualification)."""

    def complete(case):
        problems = case.submission_problems()
        if problems:
            raise TransitionError(
                _("The case cannot be submitted until it is complete."), problems=problems
            )

    return _transition(
        actor=actor,
        case_pk=case_pk,
        to_state=CaseState.SUBMITTED,
        allowed=permissions.can_submit_case,
        comment=comment,
        override_reason=override_reason,
        check=complete,
    )


def case_withdraw(*, actor, case_pk: int, comment: str = "", override_reason: str = ""):
    """The owning department's IT lead withdraws a case before it is qualified."""
    return _transition(
        actor=actor,
        case_pk=case_pk,
        to_state=CaseState.WITHDRAWN,
        allowed=permissions.can_withdraw_case,
        comment=comment,
        override_reason=override_reason,
    )


def case_return(*, actor, case_pk: int, comment: str, override_reason: str = ""):
    """The secretariat returns a submitted case to its department, saying why."""
    if not (comment or "").strip():
        raise TransitionError(_("Write a comment to the department on what to change."))
    return _transition(
        actor=actor,
        case_pk=case_pk,
        to_state=CaseState.RETURNED,
        allowed=permissions.can_return_case,
        comment=comment,
        override_reason=override_reason,
    )


def case_qualify(*, actor, case_pk: int, comment: str = "", override_reason: str = ""):
    """The secretariat qualifies a submitted case for the directors' prioritisation."""
    return _transition(
        actor=actor,
        case_pk=case_pk,
        to_state=CaseState.QUALIFIED,
        allowed=permissions.can_qualify_case,
        comment=comment,
        override_reason=override_reason,
        check=lambda case: case_note_code_assign(actor=actor, case=case),
    )


def case_prioritise(
    *, actor, case_pk: int, recommended: bool, comment: str = "", override_reason: str = ""
):
    """A qualified case becomes prioritised or not recommended when the secretariat
    publishes the directors' prioritisation (see ``prioritisation_publish``)."""
    return _transition(
        actor=actor,
        case_pk=case_pk,
        to_state=CaseState.PRIORITISED if recommended else CaseState.NOT_RECOMMENDED,
        allowed=permissions.can_prioritise_case,
        comment=comment,
        override_reason=override_reason,
    )


def cases_forward(
    *, actor, case_pks: Iterable[int], meeting: CommitteeMeeting, override_reason: str = ""
) -> list[CaseTransition]:
    """The secretariat puts prioritised cases of the meeting's cycle before the
    Economic Committee at ``meeting``: all of them or none."""
    case_pks = sorted(set(case_pks))
    if not case_pks:
        raise TransitionError(_("Choose at least one case."))

    def same_cycle(case):
        if case.cycle_id != meeting.cycle_id:
            raise TransitionError(
                _("%(case)s belongs to another budget cycle than the meeting.")
                % {"case": case}
            )

    records = []
    with transaction.atomic():
        for pk in case_pks:
            records.append(
                _transition(
                    actor=actor,
                    case_pk=pk,
                    to_state=CaseState.FORWARDED,
                    allowed=permissions.can_forward_case,
                    comment=str(meeting),
                    override_reason=override_reason,
                    check=same_cycle,
                )
            )
        meeting.cases.add(*case_pks)
    return records


def case_decide(
    *,
    actor,
    case_pk: int,
    meeting: CommitteeMeeting,
    outcome: str,
    text: str,
    override_reason: str = "",
) -> Decision:
    """The secretariat records the Economic Committee's decision on a forwarded case:
    approved, rejected or deferred, with the decision text, dated the meeting's date."""
    text = (text or "").strip()
    if outcome not in DecisionOutcome.values:
        raise TransitionError(_("Choose approved, rejected or deferred."))
    if not text:
        raise TransitionError(_("Write the decision text."))

    def on_the_meeting(case):
        if not meeting.cases.filter(pk=case.pk).exists():
            raise TransitionError(
                _("%(case)s was not forwarded to this meeting.") % {"case": case}
            )

    with transaction.atomic():
        record = _transition(
            actor=actor,
            case_pk=case_pk,
            to_state=outcome,
            allowed=permissions.can_decide_case,
            comment=text,
            override_reason=override_reason,
            check=on_the_meeting,
        )
        decision = Decision(
            case_id=case_pk,
            meeting=meeting,
            outcome=outcome,
            text=text,
            decided_on=meeting.held_on,
            recorded_by=actor,
            recorded_at=record.created_at,
        )
        decision.full_clean()
        decision._history_user = actor
        decision.save()
    return decision


def case_start(*, actor, case_pk: int, comment: str = ""):
    """An approved case starts: the department (or the secretariat) says so."""
    return _transition(
        actor=actor,
        case_pk=case_pk,
        to_state=CaseState.IN_PROGRESS,
        allowed=permissions.can_start_case,
        comment=comment,
    )


def case_complete(*, actor, case_pk: int, comment: str = ""):
    """A case in progress is completed."""
    return _transition(
        actor=actor,
        case_pk=case_pk,
        to_state=CaseState.COMPLETED,
        allowed=permissions.can_complete_case,
        comment=comment,
    )
