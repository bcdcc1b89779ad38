"""The plan page and a frozen version's page: a fixed number of queries however
many cases the plan has, what the reader may see (also from the cache of a frozen
version's body), and the cases' texts escaped in the rows built in Python."""

import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from financing.models import ChannelKind
from financing.services import allocation_recommend_set
from governance.board.publishing import board_publish
from governance.models import PhaseKind
from governance.plans.services import plan_freeze
from governance.plans.snapshot import ECONOMY_KEYS, _payback_of_cells, plan_lines
from portfolio.economy import payback_years
from portfolio.models import CaseScope, InvestmentCase

from .factories import UserFactory
from .factories_board import qualified_cases
from .factories_money import PriceIndexFactory, capacities, channels
from .governance_helpers import open_phases

pytestmark = pytest.mark.django_db


@pytest.fixture
def money(cycle):
    open_phases(cycle, PhaseKind.PRIORITISATION)
    PriceIndexFactory(year=2026, index=Decimal("100.000"))
    PriceIndexFactory(year=2027, index=Decimal("102.500"))
    chans = channels()
    capacities(chans[ChannelKind.FRAME], {2027: 500_000_000, 2028: 500_000_000})
    return chans


def publish(cycle, secretariat, chans, department, other_department, n: int, prefix: str):
    """``n`` cross-cutting cases of ``department`` and one of ``other_department`` in
    an older price level, each with money from the frame, published into the plan."""
    cases = qualified_cases(cycle, department, n, prefix=prefix, scope=CaseScope.CROSS_CUTTING)
    cases += qualified_cases(cycle, other_department, 1, prefix=f"Andet {prefix}", price_year=2026)
    for case in cases:
        allocation_recommend_set(
            actor=secretariat,
            case=case,
            channel=chans[ChannelKind.FRAME],
            amounts={2027: 2_000_000, 2028: 1_000_000},
        )
    board_publish(actor=secretariat, cycle=cycle)
    return cases


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_plan_page_runs_the_same_queries_for_4_and_16_cases(
    client, director, staff, secretariat, cycle, money, department, other_department
):
    url = reverse("governance:plan") + f"?cycle={cycle.pk}"
    publish(cycle, secretariat, money, department, other_department, 3, "Sag")
    # The director and a department's reader (who also reads who takes part).
    small = {}
    for reader in (director, staff):
        client.force_login(reader)
        client.get(url)
        small[reader] = count_queries(client, url)
    publish(cycle, secretariat, money, department, other_department, 11, "Mere")
    for reader in (staff, director):
        client.force_login(reader)
        client.get(url)
        assert count_queries(client, url) == small[reader]
    page = client.get(url).content.decode()
    # Each case's total: 1.000.000 kr., the two in 2026 p/l converted to 2027 p/l.
    assert page.count('<td class="kk-num">1.000</td></tr>') == 14
    assert page.count('<td class="kk-num">1.025</td></tr>') == 2
    # The frame's recommendations in 2027 and 2028, all sixteen cases.
    assert '<td class="kk-num">32.000</td><td class="kk-num">16.000</td>' in page


def test_the_plan_converts_an_older_price_level_once_per_line(
    secretariat, cycle, money, department, other_department
):
    publish(cycle, secretariat, money, department, other_department, 1, "Sag")
    costs = {line.title: line.year_cost(2027) for line in plan_lines(cycle)}
    # 1.000.000 kr. in 2026 p/l × 102,5 / 100,0.
    assert costs == {"Sag 001": 1_000_000, "Andet Sag 001": 1_025_000}


def test_the_version_page_runs_the_same_queries_for_4_and_16_cases(
    client, secretariat, cycle, money, department, other_department
):
    from django.core.cache import cache

    client.force_login(secretariat)
    counts = []
    for n, prefix in ((3, "Sag"), (11, "Mere")):
        publish(cycle, secretariat, money, department, other_department, n, prefix)
        # A version with one before it: the page reads both and says what changed.
        plan_freeze(actor=secretariat, cycle=cycle, gate="transfer_case")
        version = plan_freeze(actor=secretariat, cycle=cycle, gate="budget_negotiations")
        url = reverse("governance:plan-version", args=[version.pk])
        cache.clear()
        client.get(reverse("home"))
        uncached = count_queries(client, url)
        cached = count_queries(client, url)
        counts.append((uncached, cached))
    assert counts[0] == counts[1]
    uncached, cached = counts[0]
    # The cached body costs no query for the version's rows nor its predecessor's.
    assert cached < uncached


def test_a_cached_version_shows_each_reader_what_they_may_read(
    client, director, outsider, cycle, secretariat, money, department, other_department
):
    publish(cycle, secretariat, money, department, other_department, 2, "Sag")
    version = plan_freeze(actor=secretariat, cycle=cycle, gate="transfer_case")
    url = reverse("governance:plan-version", args=[version.pk])
    client.force_login(director)
    page = client.get(url).content.decode()
    assert ">Sag 001</a>" in page and "Andet Sag 001" in page
    # Another department's reader gets their own cases, not the director's cached body.
    client.force_login(outsider)
    page = client.get(url).content.decode()
    assert "Andet Sag 001" in page and ">Sag 001</a>" not in page
    # Nor the Danish body in English.
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert "This is the first version of the plan." in page
    assert "Andet Sag 001" in page and ">Sag 001</a>" not in page


def test_a_cached_version_still_asks_who_may_read_it(
    client, director, cycle, secretariat, money, department, other_department
):
    publish(cycle, secretariat, money, department, other_department, 1, "Sag")
    version = plan_freeze(actor=secretariat, cycle=cycle, gate="transfer_case")
    url = reverse("governance:plan-version", args=[version.pk])
    client.force_login(director)
    assert client.get(url).status_code == 200
    client.force_login(UserFactory(username="no-role", department=None))
    assert client.get(url).status_code == 403


def test_the_rows_escape_the_cases_texts(
    client, director, secretariat, cycle, money, department, other_department
):
    cases = publish(cycle, secretariat, money, department, other_department, 1, "Sag")
    # The published case, not the stale object (whose save would undo the publishing).
    case = InvestmentCase.objects.get(pk=cases[0].pk)
    case.title = "<b>Fed</b> & co"
    case.save()
    client.force_login(director)
    for url in (
        reverse("governance:plan") + f"?cycle={cycle.pk}",
        reverse(
            "governance:plan-version",
            args=[plan_freeze(actor=secretariat, cycle=cycle, gate="transfer_case").pk],
        ),
    ):
        page = client.get(url).content.decode()
        assert "<b>Fed</b>" not in page
        assert "&lt;b&gt;Fed&lt;/b&gt; &amp; co" in page
        assert f'href="{case.get_absolute_url()}"' in page


def test_a_department_reads_its_own_cases_and_those_it_takes_part_in(
    client, director, outsider, cycle, secretariat, money, department, other_department
):
    cases = publish(cycle, secretariat, money, department, other_department, 2, "Sag")
    # The other department takes part in BIF's second case, not in its first.
    cases[1].participating_departments.add(other_department)
    url = reverse("governance:plan") + f"?cycle={cycle.pk}"
    client.force_login(outsider)
    page = client.get(url).content.decode()
    assert "Andet Sag 001" in page and ">Sag 002</a>" in page and ">Sag 001</a>" not in page
    # The director reads every case (without reading who takes part).
    client.force_login(director)
    page = client.get(url).content.decode()
    assert all(f">{case.title}</a>" in page for case in cases)


def _cells(lines):
    """A case's cells from ``(kind, year, styringsomraade, amount)``, as plan_lines builds them."""
    economy = {}
    for kind, year, area, amount in lines:
        if kind == "investment":
            kind = "investment_anlaeg" if area == "anlaeg" else "investment_service"
        column = str(year) if year else "permanent"
        cell = economy.setdefault(column, dict.fromkeys(ECONOMY_KEYS, 0))
        cell[kind] += amount
    return economy


@pytest.mark.django_db(databases=[])
def test_the_payback_period_from_a_cases_cells_is_that_of_its_lines():
    rng = random.Random(14)
    kinds = ("investment", "retender", "operating", "gain")
    for _case in range(2000):
        lines = {}
        for _line in range(rng.randint(0, 12)):
            kind = rng.choice(kinds)
            year = rng.choice((None, *range(2025, 2033)))
            area = (
                rng.choice(("service", "anlaeg"))
                if kind in ("investment", "retender")
                else "service"
            )
            amount = rng.choice((0, 100_000, 250_000, 1_000_000, 3_000_000))
            lines[kind, year, area] = -amount if kind == "gain" else amount
        rows = [(kind, year, area, amount) for (kind, year, area), amount in lines.items()]
        expected = payback_years([(kind, year, amount) for kind, year, _area, amount in rows])
        assert _payback_of_cells(_cells(rows)) == expected, rows
