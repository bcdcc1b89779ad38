"""How a case's state looks: the DKFDS badge colour for each state. No queries, no rules."""

from django import template

from portfolio.models import CaseState

register = template.Library()

STATE_BADGES = {
    CaseState.DRAFT: "",
    CaseState.SUBMITTED: "badge-info",
    CaseState.RETURNED: "badge-warning",
    CaseState.QUALIFIED: "badge-info",
    CaseState.PRIORITISED: "badge-info",
    CaseState.NOT_RECOMMENDED: "badge-error",
    CaseState.FORWARDED: "badge-info",
    CaseState.APPROVED: "badge-success",
    CaseState.REJECTED: "badge-error",
    CaseState.DEFERRED: "badge-warning",
    CaseState.IN_PROGRESS: "badge-success",
    CaseState.COMPLETED: "badge-success",
    CaseState.WITHDRAWN: "badge-error",
}


@register.filter
def state_badge(state: str) -> str:
    """{{ case.state|state_badge }} → the badge class that goes with the state."""
    return STATE_BADGES.get(state, "")
