"""The department's strategy and targets on the department plan page (portfolio's
template), without portfolio importing governance. The tag only hands over:
the reads are in ``governance.followup.targets``."""

from django import template

from governance.followup.targets import department_strategy_context

register = template.Library()


@register.inclusion_tag(
    "governance/followup/partials/_department_strategy.html", takes_context=True
)
def department_strategy(context, department):
    return department_strategy_context(context["request"].user, department)
