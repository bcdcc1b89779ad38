"""The audit log's export holds exactly the entries its pages show, in the same order.

A page finds the news among the history rows in SQL (the version before each row, by
index, for the few rows it reads); the export reads every version with the one before
it from a window and applies the same rules in Python. These tests hold the two
readings side by side on generated data: the benchmark's volume at a tiny size (board,
scores, money, loans, plans, follow-up) and the edge cases each rule has.
"""

import datetime

import pytest
from django.utils import timezone

from bench import volume
from governance.audit import audit_entries
from governance.models import BudgetCycle
from portfolio.models import CaseEconomyLine, CaseState, EconomyKind, InvestmentCase
from strategy.models import Theme

from .test_governance_audit_log import edit

pytestmark = pytest.mark.django_db

SMALL = {"cases_per_scale": 80, "systems_per_scale": 30, "contracts_per_scale": 40}


def told(entry):
    return (
        entry.when,
        entry.user and entry.user.pk,
        entry.department and entry.department.pk,
        entry.case_id,
        entry.case_title,
        entry.kind,
        entry.what,
        entry.changes_text,
        entry.comment,
        entry.order,
    )


def both_readings(cycle, **filters):
    """The entries as the pages show them (in SQL) and as the export tells them."""
    log = audit_entries(cycle, **filters)
    shown = [told(entry) for entry in log[0 : log.count()]]
    exported = [told(entry) for entry in audit_entries(cycle, **filters)]
    return shown, exported


@pytest.fixture
def generated(staff, colleague, secretariat):
    written = volume.seed_volume(scale=1, seed=1, log=lambda _line: None, edits=2, **SMALL)
    cycle = written.portfolio.cycle
    case = InvestmentCase.objects.filter(cycle=cycle).order_by("pk").first()
    # A save that changes nothing shown (the state only), one that changes the text
    # back, a link added and taken away again, a nullable field set and emptied.
    edit(case, staff, state=CaseState.SUBMITTED)
    edit(case, colleague, summary="Nyt resumé")
    edit(case, staff, summary="Nyt resumé")
    theme = Theme.objects.exclude(pk__in=case.themes.values("pk")).first()
    case._history_user = staff
    case.themes.add(theme)
    edit(case, staff)
    case.themes.remove(theme)
    edit(case, colleague)
    edit(case, staff, carried_over_from=BudgetCycle.objects.exclude(pk=cycle.pk).first())
    edit(case, staff, carried_over_from=None)
    # An economy line saved unchanged, changed, deleted and created again as it was.
    line = edit(CaseEconomyLine(case=case, kind=EconomyKind.OPERATING, year=2040, amount=7), staff)
    edit(line, staff)
    edit(line, colleague, amount=9)
    line._history_user = staff
    line.delete()
    edit(CaseEconomyLine(case=case, kind=EconomyKind.OPERATING, year=2040, amount=9), staff)
    return cycle, case


def test_the_export_tells_what_the_pages_show_for_the_whole_cycle(generated):
    cycle, _case = generated

    shown, exported = both_readings(cycle)

    assert len(shown) > 500
    assert exported == shown


def test_the_export_tells_what_the_pages_show_under_every_filter(generated, staff, colleague):
    cycle, case = generated
    bif = case.department
    today = timezone.localdate()

    for filters in (
        {"department": bif},
        {"user": staff},
        {"user": colleague, "department": bif},
        {"case": case.pk},
        {"date_from": today, "date_to": today},
        {"date_from": today - datetime.timedelta(days=400), "date_to": today},
        {"date_to": today - datetime.timedelta(days=1)},
    ):
        shown, exported = both_readings(cycle, **filters)
        assert exported == shown, filters


def test_the_export_of_an_earlier_cycle_tells_what_its_pages_show(generated):
    earlier = BudgetCycle.objects.order_by("budget_year").first()

    shown, exported = both_readings(earlier)

    assert shown and exported == shown
