"""The portfolio at a glance: who reads it, its sums, its coverage map, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.followup.glance import portfolio_glance
from portfolio.models import CaseState

from .factories import DepartmentFactory, InvestmentCaseFactory, PotentialFactory, ThemeFactory
from .factories_money import AllocationFactory, channels

pytestmark = pytest.mark.django_db
URL = reverse("governance:portfolio-glance")


def make_cases(n, cycle, theme, chans):
    for _ in range(n):
        case = InvestmentCaseFactory(
            department=DepartmentFactory(), cycle=cycle, state=CaseState.APPROVED
        )
        case.themes.add(theme)
        case.potentials.add(PotentialFactory())
        AllocationFactory(
            case=case, channel=chans["frame"], year=2027, requested=2_000_000, granted=1_000_000
        )
        AllocationFactory(case=case, channel=chans["pool"], year=2028, requested=500_000)


@pytest.mark.parametrize("who", ["staff", "it_lead"])
def test_departments_cannot_open_it(request, client, who, cycle):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("who", ["secretariat", "director", "committee_reader"])
def test_readers_open_it(request, client, who, cycle):
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == 200
    assert 'id="chart-themes"' in response.content.decode()  # the chart's data


def test_the_coverage_map_names_the_themes_without_money(secretariat, cycle):
    chans = channels()
    funded, empty = ThemeFactory(name="Arbejdskraft"), ThemeFactory(name="Klima")
    make_cases(2, cycle, funded, chans)
    glance = portfolio_glance(secretariat, cycle)
    rows = {r.label: r for r in glance["themes"]}
    assert rows[str(funded)].granted == 2_000_000 and rows[str(funded)].requested == 5_000_000
    assert [r.label for r in glance["uncovered_themes"]] == [str(empty)]
    assert glance["total"].granted == 2_000_000
    assert {r.key: r.granted for r in glance["years"]}["2027"] == 2_000_000
    assert {r.key: r.requested for r in glance["channels"]}["pool"] == 1_000_000
    assert {r.key: r.cases for r in glance["pipeline"]}[CaseState.APPROVED] == 2


def test_it_runs_a_constant_number_of_queries(client, secretariat, cycle):
    chans = channels()
    theme = ThemeFactory()
    client.force_login(secretariat)
    counts = []
    for n in (2, 12):
        make_cases(n, cycle, theme, chans)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_withdrawn_case_counts_in_the_pipeline_and_nowhere_else(secretariat, cycle):
    chans = channels()
    theme = ThemeFactory()
    make_cases(2, cycle, theme, chans)
    withdrawn = InvestmentCaseFactory(
        department=DepartmentFactory(), cycle=cycle, state=CaseState.WITHDRAWN
    )
    withdrawn.themes.add(theme)
    AllocationFactory(case=withdrawn, channel=chans["frame"], year=2027, requested=9_000_000)
    glance = portfolio_glance(secretariat, cycle)
    pipeline = {r.key: r for r in glance["pipeline"]}
    assert pipeline[CaseState.WITHDRAWN].cases == 1
    assert pipeline[CaseState.APPROVED].cases == 2
    assert glance["total"].cases == 2
    assert glance["total"].requested == 5_000_000
    assert {r.label: r.cases for r in glance["themes"]}[str(theme)] == 2
