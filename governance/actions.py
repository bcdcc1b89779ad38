"""The workflow buttons of a case page: which transitions this user can make now.

Computed from the same permission functions and phase table the transition
services check, so a button is shown exactly when the service would accept
the request (the services check again on every request).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from governance.models import CaseTransition, Decision
from governance.services import workflow
from portfolio import permissions
from portfolio.models import CaseState, InvestmentCase


@dataclass(frozen=True)
class CaseAction:
    """A transition the case page offers as a button."""

    name: str
    to_state: str
    label: Promise
    service: Callable
    allowed: Callable
    # Who may ever do this to this case, whatever its state: a request from
    # anybody else is answered 403, not with a message.
    actor: Callable
    needs_comment: bool = False
    confirm: bool = False
    button_style: str = "button-secondary"


def _case_it_lead_or_secretariat(user, case) -> bool:
    return permissions.is_case_it_lead(user, case) or permissions.is_secretariat(user)


def _secretariat(user, case) -> bool:
    return permissions.is_secretariat(user)


CASE_ACTIONS: dict[str, CaseAction] = {
    action.name: action
    for action in (
        CaseAction(
            name="submit",
            to_state=CaseState.SUBMITTED,
            label=_("Submit the case"),
            service=workflow.case_submit,
            allowed=permissions.can_submit_case,
            actor=permissions.is_case_it_lead,
            button_style="button-primary",
        ),
        CaseAction(
            name="qualify",
            to_state=CaseState.QUALIFIED,
            label=_("Qualify"),
            service=workflow.case_qualify,
            allowed=permissions.can_qualify_case,
            actor=_secretariat,
            button_style="button-primary",
        ),
        CaseAction(
            name="return",
            to_state=CaseState.RETURNED,
            label=_("Return to the department"),
            service=workflow.case_return,
            allowed=permissions.can_return_case,
            actor=_secretariat,
            needs_comment=True,
        ),
        CaseAction(
            name="start",
            to_state=CaseState.IN_PROGRESS,
            label=_("Start the project"),
            service=workflow.case_start,
            allowed=permissions.can_start_case,
            actor=_case_it_lead_or_secretariat,
            button_style="button-primary",
        ),
        CaseAction(
            name="complete",
            to_state=CaseState.COMPLETED,
            label=_("Mark as completed"),
            service=workflow.case_complete,
            allowed=permissions.can_complete_case,
            actor=_case_it_lead_or_secretariat,
            button_style="button-primary",
        ),
        CaseAction(
            name="withdraw",
            to_state=CaseState.WITHDRAWN,
            label=_("Withdraw the case"),
            service=workflow.case_withdraw,
            allowed=permissions.can_withdraw_case,
            actor=permissions.is_case_it_lead,
            confirm=True,
        ),
    )
}


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

    @property
    def needs_form(self) -> bool:
        """Whether the button leads to a confirmation form instead of acting at once."""
        return self.needs_comment or self.needs_override or CASE_ACTIONS[self.name].confirm


def needs_override(case: InvestmentCase, action: CaseAction) -> bool:
    return not workflow.is_in_phase(case, action.to_state)


def available_actions(user, case: InvestmentCase) -> list[Action]:
    """The transitions ``user`` can make on ``case`` now, in the order shown."""
    actions = []
    for action in CASE_ACTIONS.values():
        if not case.can_transition_to(action.to_state) or not action.allowed(user, case):
            continue
        override = needs_override(case, action)
        # Outside the phase only the secretariat may act, and it must say why.
        if override and not permissions.is_secretariat(user):
            continue
        actions.append(
            Action(
                name=action.name,
                label=action.label,
                url=reverse("governance:case-action", args=[case.pk, action.name]),
                needs_comment=action.needs_comment,
                needs_override=override,
                button_style=action.button_style,
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
