"""Factories and helpers of the follow-up tests."""

import datetime

from governance.followup import services
from governance.followup.models import Season
from portfolio.models import CaseEconomyLine, CaseState, EconomyKind

from .factories import InvestmentCaseFactory


def approved_case(
    *,
    department,
    cycle,
    title="Digital selvbetjening",
    state=CaseState.APPROVED,
    costs=None,
    gains=None,
    **kwargs,
):
    """An approved case with investment (and gains) in its economy: 2027–2028 by default."""
    case = InvestmentCaseFactory(
        department=department, cycle=cycle, title=title, state=state, **kwargs
    )
    for year, amount in (
        costs if costs is not None else {2027: 6_000_000, 2028: 4_000_000}
    ).items():
        CaseEconomyLine.objects.create(
            case=case, kind=EconomyKind.INVESTMENT, year=year, amount=amount
        )
    for year, amount in (gains or {}).items():
        CaseEconomyLine.objects.create(case=case, kind=EconomyKind.GAIN, year=year, amount=-amount)
    return case


def open_round(actor, *, year=2028, season=Season.MAY, deadline=None, **thresholds):
    return services.round_open(
        actor=actor,
        year=year,
        season=season,
        deadline=deadline or datetime.date(year, 5 if season == Season.MAY else 11, 20),
        thresholds=thresholds or None,
    )


def fill(report, actor, *, expected_total=None, expected_completion=None, years=None, **data):
    report.refresh_from_db()
    payload = {
        "status_text": "Projektet følger planen.",
        "expected_total_cost": expected_total,
        "expected_completion": expected_completion,
        **data,
    }
    return services.report_save(
        actor=actor, report=report, data=payload, years=years or {}, version=report.version
    )
