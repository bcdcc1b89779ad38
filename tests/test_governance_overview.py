"""The secretariat's cycle overview: cases per department and state, deadline, who acts next."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.models import PhaseKind
from portfolio.models import CaseState, InvestmentCase

from .factories import BudgetCycleFactory, DepartmentFactory, InvestmentCaseFactory

pytestmark = pytest.mark.django_db

SEVEN = [
    ("OKF", "Økonomiforvaltningen", "ØK"),
    ("KFF", "Kultur- og Fritidsforvaltningen", "KF"),
    ("BUF", "Børne- og Ungdomsforvaltningen", "BU"),
    ("SUF", "Sundheds- og Omsorgsforvaltningen", "SU"),
    ("SOF", "Socialforvaltningen", "SO"),
    ("TMF", "Teknik- og Miljøforvaltningen", "TM"),
    ("BIF", "Beskæftigelses- og Integrationsforvaltningen", "BI"),
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def departments(db):
    return {
        code: DepartmentFactory(code=code, name=name, note_prefix=prefix)
        for code, name, prefix in SEVEN
    }


@pytest.fixture
def cases(cycle, departments):
    def add(code, state, n=1):
        for _ in range(n):
            InvestmentCaseFactory(cycle=cycle, department=departments[code], state=state)

    add("BIF", CaseState.DRAFT, 2)
    add("BIF", CaseState.SUBMITTED)
    add("SUF", CaseState.QUALIFIED)
    add("SUF", CaseState.RETURNED)
    add("TMF", CaseState.PRIORITISED)
    add("TMF", CaseState.FORWARDED)
    add("KFF", CaseState.DRAFT)
    add("SOF", CaseState.WITHDRAWN)
    # Another cycle's case is not counted.
    InvestmentCaseFactory(
        cycle=BudgetCycleFactory(budget_year=2026), department=departments["OKF"],
        state=CaseState.SUBMITTED,
    )


def url(year=2027):
    return reverse("governance:cycle-overview-year", args=[year])


def row_cells(html: str, code: str) -> list[str]:
    start = html.index(f'data-department="{code}"')
    row = html[start: html.index("</tr>", start)]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def counts_by_state(html, code):
    numbers = [int(cell) for cell in row_cells(html, code)]
    return dict(zip([*CaseState.values, "total"], numbers, strict=True))


def test_it_asks_anonymous_visitors_to_log_in(client, cycle):
    response = client.get(url())
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("who", ["staff", "it_lead", "director", "committee_reader"])
def test_it_refuses_everyone_but_the_secretariat(client, cycle, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url()).status_code == 403
    assert client.get(reverse("governance:cycle-overview")).status_code == 403


def test_it_answers_404_for_a_cycle_that_does_not_exist(client, cycle, secretariat):
    client.force_login(secretariat)
    assert client.get(url(1999)).status_code == 404


def test_it_counts_the_cycles_cases_per_department_and_state(
    client, cases, departments, secretariat
):
    client.force_login(secretariat)
    response = client.get(url())

    html = response.content.decode()
    assert response.status_code == 200
    for _code, name, _prefix in SEVEN:
        assert name in html
    bif = counts_by_state(html, "BIF")
    assert bif["draft"] == 2 and bif["submitted"] == 1 and bif["total"] == 3
    tmf = counts_by_state(html, "TMF")
    assert tmf["prioritised"] == 1 and tmf["forwarded"] == 1 and tmf["total"] == 2
    assert counts_by_state(html, "OKF")["total"] == 0
    assert counts_by_state(html, "BUF")["total"] == 0
    total = counts_by_state(html, "total")
    assert total["draft"] == 3 and total["withdrawn"] == 1 and total["total"] == 9


def test_it_lists_the_departments_that_have_not_submitted_anything(
    client, cases, secretariat
):
    client.force_login(secretariat)
    overview = client.get(url()).context["overview"]

    # KFF has only a draft and SOF only a withdrawn case; ØKF and BUF have nothing.
    assert sorted(d.code for d in overview.not_submitted) == ["BUF", "KFF", "OKF", "SOF"]


def test_it_shows_what_is_waiting_for_whom(client, cases, secretariat):
    client.force_login(secretariat)
    waiting = {w["key"]: w["count"] for w in client.get(url()).context["overview"].waiting}

    assert waiting == {
        "department": 4,  # three drafts and one returned case
        "secretariat_qualify": 1,
        "it_directors": 1,
        "secretariat_forward": 1,
        "committee": 1,
    }


def test_it_highlights_the_intake_deadline_when_it_is_near(client, cycle, secretariat):
    intake = cycle.phases.get(kind=PhaseKind.INTAKE)
    intake.ends_on = timezone.localdate() + datetime.timedelta(days=10)
    intake.starts_on = intake.ends_on - datetime.timedelta(days=60)
    intake.save()
    client.force_login(secretariat)

    response = client.get(url())

    assert response.context["overview"].days_left == 10
    assert "deadline-near" in response.content.decode()
    assert "10 dage" in response.content.decode()


def test_it_does_not_highlight_a_distant_or_past_deadline(client, cycle, secretariat):
    intake = cycle.phases.get(kind=PhaseKind.INTAKE)
    client.force_login(secretariat)
    for days, near in ((15, False), (14, True), (0, True), (-1, False)):
        intake.ends_on = timezone.localdate() + datetime.timedelta(days=days)
        intake.starts_on = intake.ends_on - datetime.timedelta(days=60)
        intake.save()
        response = client.get(url())
        assert response.context["overview"].deadline_near is near, days
        assert ("deadline-near" in response.content.decode()) is near


def test_the_plain_address_shows_the_current_cycle(client, cycle, secretariat):
    client.force_login(secretariat)
    response = client.get(reverse("governance:cycle-overview"))
    assert response.status_code == 200
    assert response.context["cycle"] == cycle


def test_the_query_count_does_not_grow_with_the_data(client, cycle, departments, secretariat):
    client.force_login(secretariat)

    def measure():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url()).status_code == 200
        return len(queries)

    few = measure()
    for department in departments.values():
        for state in (CaseState.DRAFT, CaseState.SUBMITTED, CaseState.QUALIFIED):
            InvestmentCaseFactory.create_batch(
                3, cycle=cycle, department=department, state=state
            )
    many = measure()

    assert few == many
    assert many <= 18  # +3: the money per department (channels, indices, sums)


def test_it_links_each_count_to_the_filtered_case_list(client, cases, secretariat):
    client.force_login(secretariat)
    html = client.get(url()).content.decode()
    case_list = reverse("portfolio:case-list")
    # Two BIF drafts: the count opens exactly those cases.
    assert f'href="{case_list}?cycle=2027&amp;department=BIF&amp;state=draft">2</a>' in html
    # The department's name opens all its cases of the cycle; the year is never "2.027".
    assert f'href="{case_list}?cycle=2027&amp;department=SUF">' in html
    assert "2.027" not in html
    # A zero is not a link.
    assert f"{case_list}?cycle=2027&amp;department=KFF&amp;state=submitted" not in html


def test_the_filtered_case_list_shows_the_counted_cases(client, cases, secretariat):
    client.force_login(secretariat)
    response = client.get(
        reverse("portfolio:case-list"), {"cycle": 2027, "department": "BIF", "state": "draft"}
    )
    html = response.content.decode()
    shown = InvestmentCase.objects.filter(department__code="BIF", state=CaseState.DRAFT)
    assert shown.count() == 2
    for case in shown:
        assert case.get_absolute_url() in html
    for case in InvestmentCase.objects.exclude(pk__in=shown):
        assert f'href="{case.get_absolute_url()}"' not in html
