"""The case workflow: one service per step of the workflow table.

Every transition runs through ``_transition``: in one transaction, with the
case row locked, it finds the row of ``governance.workflow.table`` that moves
the case from its current state to the target state, checks the row's rule
for who may act, its phases (outside them only the secretariat, with a
reason), its comment and any rule of the service's own, then saves the state
and any extra fields, writes the ``CaseTransition`` record and sends the row's
notification. A refusal raises ``TransitionError`` with a Danish message and
changes nothing.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from governance import permissions
from governance.models import (
    CaseTransition,
    CommitteeMeeting,
    Decision,
    DecisionOutcome,
    PhaseKind,
)
from governance.workflow import table
from kkdigital.lib.errors import ServiceError
from portfolio.models import CaseState, InvestmentCase
from portfolio.services import case_note_code_assign


class TransitionError(ServiceError):
    """A transition that is not allowed; ``message`` says why, in the user's language.

    ``problems`` holds the completeness problems by field when a submission
    was refused for missing content.
    """


def required_phases(case: InvestmentCase, to_state: str) -> tuple[str, ...]:
    """The phases of which one must be open to move ``case`` to ``to_state``."""
    row = table.row_for(case.state, to_state)
    return row.phases if row else ()


def is_in_phase(case: InvestmentCase, to_state: str) -> bool:
    return table.phase_allows(case.cycle, required_phases(case, to_state))


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
    comment: str = "",
    override_reason: str = "",
    check: Callable[[InvestmentCase], None] | None = None,
    change: Callable[[InvestmentCase], Iterable[str]] | None = None,
    change_reason: str = "",
    after: Callable[[InvestmentCase, CaseTransition], None] | None = None,
) -> CaseTransition:
    """Move one case to ``to_state`` if its row of the workflow table allows it;
    the one place all transitions pass through.

    ``check(case)`` may refuse with a ``TransitionError`` after the table's rules
    passed; ``change(case)`` sets further fields on the locked case and returns
    their names (they are saved with the state, in the same history row);
    ``after(case, record)`` runs in the same transaction once the record is
    written (for effects such as a budget-note code). ``change_reason`` is the
    history's reason; by default "from → to".
    """
    comment = (comment or "").strip()
    override_reason = (override_reason or "").strip()
    with transaction.atomic():
        # Lock the row first and check everything against the state it has now:
        # a second, concurrent or repeated request waits here and is refused.
        case = (
            InvestmentCase.objects.select_for_update(of=("self",))
            .select_related("cycle")
            .get(pk=case_pk)
        )
        row = table.row_for(case.state, to_state)
        if row is None:
            raise _refuse_state(case, to_state)
        if not row.who(actor, case):
            raise TransitionError(_("You are not allowed to do this with the case."))
        override = ""
        if not table.phase_allows(case.cycle, row.phases):
            phases = _phase_names(row.phases)
            if not permissions.may_act_outside_phase(actor):
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
                    % {"phases": phases},
                    problems={"override_reason": [_("Give a reason to act outside the phase.")]},
                )
            override = override_reason
        if row.needs_comment and not comment:
            message = str(row.comment_required)
            raise TransitionError(message, problems={"comment": [message]})
        if check is not None:
            check(case)

        from_state = case.state
        case.state = to_state
        # The edit form compares versions: a case that moved on is not saved over.
        case.version += 1
        fields = ["state", "version", "updated_at"]
        if change is not None:
            fields.extend(name for name in change(case) if name not in fields)
        if not change_reason:
            # Stored in the database: in the site's language, not the request's.
            with translation.override(settings.LANGUAGE_CODE):
                change_reason = _("%(from)s → %(to)s") % {
                    "from": CaseState(from_state).label,
                    "to": CaseState(to_state).label,
                }
        case._change_reason = change_reason
        case._history_user = actor
        case.save(update_fields=fields)
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
        if after is not None:
            after(case, record)
        # Same transaction: a refused or rolled-back transition notifies nobody.
        if row.notify is not None:
            row.notify(record)
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
        comment=comment,
        override_reason=override_reason,
    )


def case_return(*, actor, case_pk: int, comment: str, override_reason: str = ""):
    """The secretariat returns a submitted case to its department, saying why."""
    return _transition(
        actor=actor,
        case_pk=case_pk,
        to_state=CaseState.RETURNED,
        comment=comment,
        override_reason=override_reason,
    )


def case_qualify(*, actor, case_pk: int, comment: str = "", override_reason: str = ""):
    """The secretariat qualifies a submitted case for the directors' prioritisation."""
    return _transition(
        actor=actor,
        case_pk=case_pk,
        to_state=CaseState.QUALIFIED,
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

    # The comment is stored: in the site's language, not the request's.
    with translation.override(settings.LANGUAGE_CODE):
        comment = str(meeting)
    records = []
    with transaction.atomic():
        for pk in case_pks:
            records.append(
                _transition(
                    actor=actor,
                    case_pk=pk,
                    to_state=CaseState.FORWARDED,
                    comment=comment,
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

    def on_the_meeting(case):
        # A decision is recorded from the minutes of a meeting that has been held.
        if meeting.held_on > timezone.localdate():
            raise TransitionError(
                _("The meeting on %(date)s has not been held yet: record its decisions afterwards.")
                % {"date": date_format(meeting.held_on, "SHORT_DATE_FORMAT")}
            )
        if not meeting.cases.filter(pk=case.pk).exists():
            raise TransitionError(
                _("%(case)s was not forwarded to this meeting.") % {"case": case}
            )

    with transaction.atomic():
        record = _transition(
            actor=actor,
            case_pk=case_pk,
            to_state=outcome,
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
        comment=comment,
    )


def case_complete(*, actor, case_pk: int, comment: str = ""):
    """A case in progress is completed; the systems it retires go out of operation."""
    from portfolio.register.services import systems_retire_for_completed_case

    with transaction.atomic():
        record = _transition(
            actor=actor,
            case_pk=case_pk,
            to_state=CaseState.COMPLETED,
            comment=comment,
        )
        systems_retire_for_completed_case(actor=actor, case=record.case)
    return record
