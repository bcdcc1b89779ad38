"""THE workflow table: every transition of an investment case, written once.

Per transition: the states it starts from, the state it leads to, who may make
it (a role and department rule from ``governance.permissions``), the phases of
the case's cycle in which it is allowed (none: at any time), whether a comment
is required, the button and its confirmation, whom it notifies, and whom a
case in one of its from-states is waiting for.

Everything else reads this table: the transition path in
``governance.services.workflow._transition`` (state, who, phase, comment,
notification), the case page's buttons (``governance.actions``), the
secretariat's overview ("waiting for whom"), the meeting pages' phase check,
the phase guide of the annual cycle and the tests that walk it
(``tests/test_governance_workflow_table.py``).

Outside its phases only the secretariat may act, and it must give a reason
(``governance.permissions.may_act_outside_phase``).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from governance import permissions
from governance.models import PhaseKind
from governance.services import notifications
from portfolio.models import CaseState


@dataclass(frozen=True)
class Who:
    """A rule for who may make a transition: its words for people and its check."""

    text: Promise
    check: Callable[[object, object], bool]
    # Whether the user holds the role at all, whatever the case: the gate of the
    # pages where the step is taken for many cases (meetings, prioritisation).
    role: Callable[[object], bool]

    # Templates read ``who.text``; they must not call the rule.
    do_not_call_in_templates = True

    def __call__(self, user, case) -> bool:
        return bool(self.check(user, case))


@dataclass(frozen=True)
class Waiting:
    """Who a case in a from-state is waiting for, and to do what (the overview)."""

    key: str
    who: Promise
    what: Promise


@dataclass(frozen=True)
class Transition:
    """One row of the table."""

    # The name of the step: the button's URL and the services' row key. Several
    # rows may share a name when the step differs by where it starts from.
    name: str
    from_states: tuple[str, ...]
    to_state: str
    who: Who
    # Phases of the case's cycle of which one must be open; empty: at any time.
    phases: tuple[str, ...]
    label: Promise
    # The message when a required comment is missing; None: the comment is optional.
    comment_required: Promise | None = None
    # Shown on the confirmation page; a confirmed step always asks first.
    confirm: Promise | None = None
    # The DKFDS button style on the case page; None: not a button of the case page
    # (the step is made from the prioritisation, meeting or cycle pages).
    button: str | None = None
    # Called with the transition record inside the transaction; None: nobody is told.
    notify: Callable | None = None
    notifies: Promise | None = None
    waiting: Waiting | None = None
    # Said after the label in the phase guide when the step is special there.
    guide_note: Promise | None = None

    @property
    def needs_comment(self) -> bool:
        return self.comment_required is not None


CASE_IT_LEAD = Who(
    _("The owning department's IT lead"), permissions.is_case_it_lead, permissions.is_it_lead
)
SECRETARIAT = Who(_("The secretariat"), permissions.is_secretariat_for, permissions.is_secretariat)
IT_LEAD_OR_SECRETARIAT = Who(
    _("The owning department's IT lead or the secretariat"),
    permissions.is_case_it_lead_or_secretariat,
    permissions.is_it_lead_or_secretariat,
)

INTAKE = (PhaseKind.INTAKE,)
QUALIFICATION = (PhaseKind.QUALIFICATION,)
PRIORITISATION = (PhaseKind.PRIORITISATION,)
# The Economic Committee treats the plan in the transfer case and in the
# budget negotiations.
COMMITTEE = (PhaseKind.TRANSFER_CASE, PhaseKind.BUDGET_NEGOTIATIONS)
ANY_TIME: tuple[str, ...] = ()

WAITING_DEPARTMENT = Waiting(
    "department", _("The departments"), _("Finish and submit drafts and returned cases")
)
WAITING_QUALIFICATION = Waiting(
    "secretariat_qualify", _("The secretariat"), _("Qualify or return submitted cases")
)
WAITING_DIRECTORS = Waiting(
    "it_directors", _("The IT directors' circle"), _("Prioritise qualified cases")
)
WAITING_FORWARD = Waiting(
    "secretariat_forward",
    _("The secretariat"),
    _("Forward prioritised cases to the Economic Committee"),
)
WAITING_COMMITTEE = Waiting(
    "committee", _("The Economic Committee"), _("Decide on forwarded cases")
)

DECISION_TEXT_REQUIRED = _("Write the decision text.")
TO_DEPARTMENT = _("The owning department")

TABLE: tuple[Transition, ...] = (
    Transition(
        name="submit",
        from_states=(CaseState.DRAFT,),
        to_state=CaseState.SUBMITTED,
        who=CASE_IT_LEAD,
        phases=INTAKE,
        label=_("Submit the case"),
        button="button-primary",
        notify=notifications.notify_transition,
        notifies=_("Receipt to the IT lead; the secretariat"),
        waiting=WAITING_DEPARTMENT,
    ),
    # A returned case may be resubmitted while the secretariat still qualifies,
    # so that the department can answer the secretariat's comment.
    Transition(
        name="submit",
        from_states=(CaseState.RETURNED,),
        to_state=CaseState.SUBMITTED,
        who=CASE_IT_LEAD,
        phases=(PhaseKind.INTAKE, PhaseKind.QUALIFICATION),
        label=_("Submit the case"),
        guide_note=_("again, after a return"),
        button="button-primary",
        notify=notifications.notify_transition,
        notifies=_("Receipt to the IT lead; the secretariat"),
        waiting=WAITING_DEPARTMENT,
    ),
    Transition(
        name="qualify",
        from_states=(CaseState.SUBMITTED,),
        to_state=CaseState.QUALIFIED,
        who=SECRETARIAT,
        phases=QUALIFICATION,
        label=_("Qualify"),
        button="button-primary",
        notify=notifications.notify_transition,
        notifies=TO_DEPARTMENT,
        waiting=WAITING_QUALIFICATION,
    ),
    Transition(
        name="return",
        from_states=(CaseState.SUBMITTED,),
        to_state=CaseState.RETURNED,
        who=SECRETARIAT,
        phases=QUALIFICATION,
        label=_("Return to the department"),
        comment_required=_("Write a comment to the department on what to change."),
        button="button-secondary",
        notify=notifications.notify_transition,
        notifies=_("The owning department, with the comment"),
        waiting=WAITING_QUALIFICATION,
    ),
    # Publishing the prioritisation moves each qualified case by its
    # recommendation; the departments hear of it when it is published.
    Transition(
        name="prioritise",
        from_states=(CaseState.QUALIFIED,),
        to_state=CaseState.PRIORITISED,
        who=SECRETARIAT,
        phases=PRIORITISATION,
        label=_("Publish the prioritisation"),
        notifies=_("The owning department, when the prioritisation is published"),
        waiting=WAITING_DIRECTORS,
    ),
    Transition(
        name="not_recommend",
        from_states=(CaseState.QUALIFIED,),
        to_state=CaseState.NOT_RECOMMENDED,
        who=SECRETARIAT,
        phases=PRIORITISATION,
        label=_("Publish the prioritisation"),
        notifies=_("The owning department, when the prioritisation is published"),
        waiting=WAITING_DIRECTORS,
    ),
    Transition(
        name="forward",
        from_states=(CaseState.PRIORITISED,),
        to_state=CaseState.FORWARDED,
        who=SECRETARIAT,
        phases=COMMITTEE,
        label=_("Forward to the Economic Committee"),
        waiting=WAITING_FORWARD,
    ),
    Transition(
        name="approve",
        from_states=(CaseState.FORWARDED,),
        to_state=CaseState.APPROVED,
        who=SECRETARIAT,
        phases=COMMITTEE,
        label=_("Record the decision"),
        comment_required=DECISION_TEXT_REQUIRED,
        notify=notifications.notify_transition,
        notifies=_("The owning department, with the decision text"),
        waiting=WAITING_COMMITTEE,
    ),
    Transition(
        name="reject",
        from_states=(CaseState.FORWARDED,),
        to_state=CaseState.REJECTED,
        who=SECRETARIAT,
        phases=COMMITTEE,
        label=_("Record the decision"),
        comment_required=DECISION_TEXT_REQUIRED,
        notify=notifications.notify_transition,
        notifies=_("The owning department, with the decision text"),
        waiting=WAITING_COMMITTEE,
    ),
    Transition(
        name="defer",
        from_states=(CaseState.FORWARDED,),
        to_state=CaseState.DEFERRED,
        who=SECRETARIAT,
        phases=COMMITTEE,
        label=_("Record the decision"),
        comment_required=DECISION_TEXT_REQUIRED,
        notify=notifications.notify_transition,
        notifies=_("The owning department, with the decision text"),
        waiting=WAITING_COMMITTEE,
    ),
    Transition(
        name="start",
        from_states=(CaseState.APPROVED,),
        to_state=CaseState.IN_PROGRESS,
        who=IT_LEAD_OR_SECRETARIAT,
        phases=ANY_TIME,
        label=_("Start the project"),
        button="button-primary",
    ),
    Transition(
        name="complete",
        from_states=(CaseState.IN_PROGRESS,),
        to_state=CaseState.COMPLETED,
        who=IT_LEAD_OR_SECRETARIAT,
        phases=ANY_TIME,
        label=_("Mark as completed"),
        button="button-primary",
    ),
    Transition(
        name="withdraw",
        from_states=(CaseState.DRAFT, CaseState.SUBMITTED, CaseState.RETURNED),
        to_state=CaseState.WITHDRAWN,
        who=CASE_IT_LEAD,
        phases=INTAKE,
        label=_("Withdraw the case"),
        confirm=_(
            "A withdrawn case leaves the cycle for good: it cannot be edited or "
            "submitted again."
        ),
        button="button-secondary",
    ),
    # Deferred and not recommended cases may join a later cycle's intake as
    # drafts (governance.services.cycles.case_carry_over); creating the next
    # cycle carries the deferred ones over by itself.
    Transition(
        name="carry_over",
        from_states=(CaseState.DEFERRED, CaseState.NOT_RECOMMENDED),
        to_state=CaseState.DRAFT,
        who=SECRETARIAT,
        phases=ANY_TIME,
        label=_("Carry over to the next cycle"),
        notify=notifications.notify_carried_over,
        notifies=_("The owning department: update the economy for the new years"),
    ),
)


def row_for(from_state: str, to_state: str) -> Transition | None:
    """The row that moves a case from ``from_state`` to ``to_state``, if any."""
    for row in TABLE:
        if from_state in row.from_states and row.to_state == to_state:
            return row
    return None


def rows_named(name: str) -> list[Transition]:
    return [row for row in TABLE if row.name == name]


def row_named_from(name: str, from_state: str) -> Transition | None:
    """The row of step ``name`` that starts from ``from_state``, if any."""
    return next((row for row in rows_named(name) if from_state in row.from_states), None)


def targets(from_state: str) -> list[str]:
    """The states a case in ``from_state`` may move to."""
    return [row.to_state for row in TABLE if from_state in row.from_states]


def from_states(name: str) -> tuple[str, ...]:
    """The states from which step ``name`` can be taken (its rows together)."""
    states: list[str] = []
    for row in rows_named(name):
        states.extend(state for state in row.from_states if state not in states)
    return tuple(states)


def holds_role_for(user, name: str) -> bool:
    """Whether ``user`` has the role step ``name`` needs, on some case (page gates)."""
    return any(row.who.role(user) for row in rows_named(name))


def is_transition(from_state: str, to_state: str) -> bool:
    return row_for(from_state, to_state) is not None


def may(user, case, name: str) -> bool:
    """Whether ``user`` may make step ``name`` on ``case`` from its current state
    (role and department; not the phase)."""
    row = row_named_from(name, case.state)
    return row is not None and row.who(user, case)


def phase_allows(cycle, phases) -> bool:
    """Whether one of ``phases`` of ``cycle`` is open today (no phases: always)."""
    return not phases or any(cycle.is_phase_open(kind) for kind in phases)


def phases_of(name: str) -> tuple[str, ...]:
    """The phases of step ``name`` (the same for all its rows, or the union)."""
    kinds: list[str] = []
    for row in rows_named(name):
        kinds.extend(kind for kind in row.phases if kind not in kinds)
    return tuple(kinds)


def step_open(cycle, name: str) -> bool:
    """Whether step ``name`` can be made in ``cycle`` today without a reason."""
    return phase_allows(cycle, phases_of(name))


def waiting_groups() -> list[tuple[Waiting, tuple[str, ...]]]:
    """Who acts next, with the states in which cases wait for them, in table order."""
    groups: dict[str, tuple[Waiting, list[str]]] = {}
    for row in TABLE:
        if row.waiting is None:
            continue
        waiting, states = groups.setdefault(row.waiting.key, (row.waiting, []))
        states.extend(state for state in row.from_states if state not in states)
    return [(waiting, tuple(states)) for waiting, states in groups.values()]


def steps_in_phase(kind: str) -> list[Transition]:
    """The rows allowed in phase ``kind``, one per button label (the phase guide): a
    row whose label an earlier row of the phase has is left out."""
    seen: dict[str, Transition] = {}
    for row in TABLE:
        if kind in row.phases and str(row.label) not in seen:
            seen[str(row.label)] = row
    return list(seen.values())
