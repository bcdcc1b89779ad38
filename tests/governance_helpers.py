"""Helpers for the workflow tests: phases open today, complete cases, cases in a state."""

import datetime

from django.utils import timezone

from governance.models import CaseTransition
from portfolio.models import CaseScope, CaseState, RiskLevel

from .factories import (
    CaseEconomyLineFactory,
    CasePrincipleFactory,
    InvestmentCaseFactory,
    PotentialFactory,
    ThemeFactory,
)


def open_phases(cycle, *kinds):
    """Make exactly the phases ``kinds`` of ``cycle`` open today; all others closed."""
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    for phase in cycle.phases.all():
        if phase.kind in kinds:
            phase.starts_on, phase.ends_on = today - day, today + 30 * day
        else:
            phase.starts_on, phase.ends_on = today - 90 * day, today - 60 * day
        phase.save()


def complete_case(**kwargs):
    """A case with everything ``submission_problems`` asks for."""
    defaults = dict(
        summary="Et fælles system.",
        background="Borgerne venter for længe.",
        solution="En selvbetjeningsløsning.",
        contact_name="Anna Jensen",
        contact_email="anna@kk.dk",
        risk_level=RiskLevel.LOW,
        risk_text="Leverandøren kan blive forsinket.",
        scope=CaseScope.DEPARTMENT,
    )
    defaults.update(kwargs)
    case = InvestmentCaseFactory(**defaults)
    case.themes.add(ThemeFactory())
    case.potentials.add(PotentialFactory())
    CasePrincipleFactory(case=case)
    CaseEconomyLineFactory(case=case)
    return case


def case_in(state, *, submitted_by=None, **kwargs):
    """A complete case already in ``state``, with a submission record when it was sent on."""
    case = complete_case(state=state, **kwargs)
    if state != CaseState.DRAFT and submitted_by is not None:
        CaseTransition.objects.create(
            case=case,
            from_state=CaseState.DRAFT,
            to_state=CaseState.SUBMITTED,
            actor=submitted_by,
        )
    return case


def use_fast_password_hasher(settings):
    """The factories set passwords; the default hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
