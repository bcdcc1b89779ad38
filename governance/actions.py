"""The workflow buttons of a case page: which transitions this user can make now.

Read from the workflow table (``governance.workflow.table``): a row with a
button style is a button; it is shown when the case is in one of the row's
from-states and the row's rule lets the user act, inside the row's phases (or,
for the secretariat, outside them with a reason). The services check the same
rows again on every request.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise

from governance import permissions
from governance.models import CaseTransition, Decision
from governance.services import workflow
from governance.workflow import table
from portfolio.models import CaseState, InvestmentCase


@dataclass(frozen=True)
class CaseAction:
    """A step the case page offers as a button: the table's rows of one name."""

    name: str
    rows: tuple[table.Transition, ...]
    service: Callable

    @property
    def first(self) -> table.Transition:
        return self.rows[0]

    @property
    def label(self) -> Promise:
        return self.first.label

    @property
    def needs_comment(self) -> bool:
        return self.first.needs_comment

    @property
    def confirm(self) -> Promise | None:
        return self.first.confirm

    @property
    def button_style(self) -> str:
        return self.first.button

    def row_for(self, case: InvestmentCase) -> table.Transition | None:
        return next((row for row in self.rows if case.state in row.from_states), None)

    def actor(self, user, case: InvestmentCase) -> bool:
        """Who may ever take this step on this case, whatever its state: a request
        from anybody else is answered 403, not with a message."""
        return any(row.who(user, case) for row in self.rows)

    def allowed(self, user, case: InvestmentCase) -> bool:
        row = self.row_for(case)
        return row is not None and row.who(user, case)


# The service that makes each step of the case page.
SERVICES: dict[str, Callable] = {
    "submit": workflow.case_submit,
    "qualify": workflow.case_qualify,
    "return": workflow.case_return,
    "start": workflow.case_start,
    "complete": workflow.case_complete,
    "withdraw": workflow.case_withdraw,
}


def _case_actions() -> dict[str, CaseAction]:
    actions: dict[str, CaseAction] = {}
    for row in table.TABLE:
        if row.button is None:
            continue
        existing = actions.get(row.name)
        rows = (*existing.rows, row) if existing else (row,)
        actions[row.name] = CaseAction(name=row.name, rows=rows, service=SERVICES[row.name])
    return actions


CASE_ACTIONS: dict[str, CaseAction] = _case_actions()


@dataclass(frozen=True)
class Action:
    """One button on the case page."""

    name: str
    label: Promise
    url: str
    needs_comment: bool
    # The phase is closed and the secretariat must give a reason to act anyway.
    needs_override: bool
    button_style: str
    confirm: Promise | None = None

    @property
    def needs_form(self) -> bool:
        """Whether the button leads to a confirmation form instead of acting at once."""
        return self.needs_comment or self.needs_override or self.confirm is not None


def needs_override(case: InvestmentCase, action: CaseAction) -> bool:
    row = action.row_for(case)
    return row is not None and not table.phase_allows(case.cycle, row.phases)


def available_actions(user, case: InvestmentCase) -> list[Action]:
    """The transitions ``user`` can make on ``case`` now, in the table's order."""
    actions = []
    for action in CASE_ACTIONS.values():
        if not action.allowed(user, case):
            continue
        override = needs_override(case, action)
        # Outside the phase only the secretariat may act, and it must say why.
        if override and not permissions.may_act_outside_phase(user):
            continue
        actions.append(
            Action(
                name=action.name,
                label=action.label,
                url=reverse("governance:case-action", args=[case.pk, action.name]),
                needs_comment=action.needs_comment,
                needs_override=override,
                button_style=action.button_style,
                confirm=action.confirm,
            )
        )
    return actions


def latest_return(case: InvestmentCase) -> CaseTransition | None:
    """The secretariat's return of a case that is still returned: its comment says
    what the department must change."""
    if case.state != CaseState.RETURNED:
        return None
    return (
        CaseTransition.objects.filter(case=case, to_state=CaseState.RETURNED)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )


def visible_assessment(user, case: InvestmentCase):
    """The board's word on the case (rank, weighted score, recommendation), if
    ``user`` may read it now (``governance.board.selectors.case_board_summary``)."""
    from governance.board.selectors import case_board_summary

    return case_board_summary(user, case)


def case_workflow_context(user, case: InvestmentCase) -> dict:
    """What the case page needs from the workflow: its buttons, the return notice,
    the assessment (if the user may see it) and the Economic Committee's decisions."""
    return {
        "workflow_actions": available_actions(user, case),
        "return_transition": latest_return(case),
        "assessment": visible_assessment(user, case),
        "decisions": list(
            Decision.objects.filter(case=case).select_related("meeting").order_by("-decided_on")
        ),
    }


def case_form_workflow_context(user, case: InvestmentCase) -> dict:
    """What the case's edit form needs from the workflow: the secretariat's comment
    while the case is returned, shown at the top of the form."""
    return {"return_transition": latest_return(case)}
