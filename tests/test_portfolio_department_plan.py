"""The department plan (forvaltningsspecifik it-investeringsplan) and the index of plans."""

import pytest
from django.urls import reverse

from portfolio.models import CaseState, CaseType

from .factories import BudgetCycleFactory, DepartmentFactory, InvestmentCaseFactory
from .portfolio_read_data import fast_passwords, full_case, strategy_frame  # noqa: F401


def plan_url(code="BIF", year=2027):
    return reverse("portfolio:department-plan", args=[code, year])


def titles(response):
    rows = [row for group in response.context["groups"] for row in group["rows"]]
    rows += response.context["retendering"]
    return sorted(row["case"].title for row in rows)


@pytest.fixture
def frame(db):
    return strategy_frame()


@pytest.fixture
def plan_cases(department, cycle, staff, frame):
    """A draft, a submitted platform, a submitted re-tendering and a withdrawn case."""
    draft = full_case(department=department, cycle=cycle, author=staff, frame=frame, title="Kladde")
    platform = full_case(
        department=department,
        cycle=cycle,
        author=staff,
        frame=frame,
        title="Platform",
        case_type=CaseType.PLATFORM,
        state=CaseState.SUBMITTED,
    )
    retender = full_case(
        department=department,
        cycle=cycle,
        author=staff,
        frame=frame,
        title="Genudbud",
        case_type=CaseType.RETENDER,
        state=CaseState.SUBMITTED,
    )
    InvestmentCaseFactory(
        title="Trukket tilbage", department=department, cycle=cycle, state=CaseState.WITHDRAWN
    )
    return draft, platform, retender


def test_it_sends_anonymous_users_to_the_login(client, department, cycle):
    response = client.get(plan_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_unknown_department_or_cycle_is_404(client, staff, cycle):
    client.force_login(staff)
    assert client.get(plan_url("XYZ")).status_code == 404
    assert client.get(plan_url(year=1999)).status_code == 404


def test_the_departments_own_users_see_all_its_cases_but_withdrawn(client, staff, plan_cases):
    client.force_login(staff)
    response = client.get(plan_url())
    assert titles(response) == ["Genudbud", "Kladde", "Platform"]
    assert response.context["sees_all_cases"] is True


def test_another_department_sees_only_the_cases_it_may_read(
    client, outsider, plan_cases, other_department
):
    draft, platform, retender = plan_cases
    platform.participating_departments.add(other_department)
    client.force_login(outsider)
    response = client.get(plan_url())
    assert titles(response) == ["Platform"]
    page = response.content.decode()
    # The draft's title (the states' names include the word "Kladde" too).
    assert "Kladde</a>" not in page
    assert "Du ser de af forvaltningens sager, som du har adgang til." in page


def test_directors_see_the_submitted_cases(client, director, plan_cases):
    client.force_login(director)
    assert titles(client.get(plan_url())) == ["Genudbud", "Platform"]


def test_it_groups_by_type_with_re_tendering_on_its_own(client, staff, plan_cases):
    client.force_login(staff)
    response = client.get(plan_url())
    groups = {
        group["label"]: [r["case"].title for r in group["rows"]]
        for group in response.context["groups"]
    }
    assert groups == {"Digital løsning": ["Kladde"], "Platform": ["Platform"]}
    assert [r["case"].title for r in response.context["retendering"]] == ["Genudbud"]
    page = response.content.decode()
    assert page.index("Genudbud</a>") > page.index("<h2>Genudbud</h2>")


def test_it_sums_the_economy_per_year_kind_and_net(client, staff, plan_cases):
    client.force_login(staff)
    response = client.get(plan_url())
    totals = {group["key"]: group for group in response.context["totals"]}
    economy = totals["pipeline"]["economy"]
    # Three cases, each 1.000.000 investment and 250.000 gain a year, 500.000 gain for good.
    assert economy.row_total("investment") == 12_000_000
    assert economy.column_totals == [2_250_000] * 4 + [-1_500_000]
    assert economy.price_year == 2027
    page = response.content.decode()
    assert "<strong>2.250</strong>" in page
    assert "<strong>9.000</strong>" in page  # net 2027–2030
    for row in response.context["retendering"]:
        assert row["investment"] == 4_000_000


def test_it_counts_the_themes_and_principles_its_cases_cover(client, staff, plan_cases, frame):
    themes, principles, _potentials = frame
    client.force_login(staff)
    response = client.get(plan_url())
    theme_counts = {item["theme"]: item["count"] for item in response.context["themes"]}
    assert theme_counts == {themes[0]: 3, themes[1]: 3, themes[2]: 0}
    principle_counts = {item["principle"]: item["count"] for item in response.context["principles"]}
    assert principle_counts == {principles[0]: 3, principles[1]: 0, principles[2]: 0}


def test_it_links_to_each_case(client, staff, plan_cases):
    client.force_login(staff)
    page = client.get(plan_url()).content.decode()
    for case in plan_cases:
        assert f'href="{case.get_absolute_url()}"' in page


def test_the_index_lists_the_plans_of_the_current_cycle(
    client, director, plan_cases, other_department
):
    BudgetCycleFactory(budget_year=2028)
    client.force_login(director)
    response = client.get(reverse("portfolio:department-plan-index"), {"cycle": "2027"})
    counts = {item["department"].code: item["count"] for item in response.context["departments"]}
    assert counts == {"BIF": 2, "SUF": 0}
    assert plan_url() in response.content.decode()


def test_it_runs_the_same_number_of_queries_for_3_and_30_cases(
    client, staff, department, cycle, frame, django_assert_max_num_queries
):
    client.force_login(staff)
    for total in (3, 30):
        while department.cases.count() < total:
            full_case(department=department, cycle=cycle, author=staff, frame=frame, edits=1)
        # 14 today, +1 for the department's strategies; three spare for the layout's header.
        with django_assert_max_num_queries(20):
            response = client.get(plan_url())
        assert response.context["case_count"] == total


def test_a_department_code_with_danish_letters_works_in_the_address(client, secretariat, cycle):
    DepartmentFactory(code="ØKF", name="Økonomiforvaltningen ØKF", note_prefix="ØF")
    client.force_login(secretariat)
    url = plan_url("ØKF")
    assert "%C3%98KF" in url
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["department"].code == "ØKF"


def test_it_keeps_the_pipeline_and_the_approved_cases_in_separate_totals(
    client, staff, plan_cases
):
    draft, platform, retender = plan_cases
    platform.state = CaseState.APPROVED
    platform.save()
    retender.state = CaseState.REJECTED
    retender.save()
    client.force_login(staff)
    response = client.get(plan_url())
    totals = {group["key"]: group for group in response.context["totals"]}
    assert totals["pipeline"]["case_count"] == 1
    assert totals["approved"]["case_count"] == 1
    assert totals["pipeline"]["economy"].row_total("investment") == 4_000_000
    assert totals["approved"]["economy"].row_total("investment") == 4_000_000
    assert [case.title for case in response.context["outside_totals"]] == ["Genudbud"]
    page = response.content.decode()
    assert "Under behandling" in page
    assert "godkendt af Økonomiudvalget" in page
    assert "er ikke med i nogen af summerne" in page


@pytest.mark.parametrize("reader", ["staff", "outsider", "secretariat"])
def test_it_runs_exactly_the_same_queries_for_3_and_12_cases(
    client, request, reader, staff, department, other_department, cycle, frame
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(request.getfixturevalue(reader))
    counts = []
    for total in (3, 12):
        while department.cases.count() < total:
            case = full_case(
                department=department,
                cycle=cycle,
                author=staff,
                frame=frame,
                state=CaseState.SUBMITTED,
                price_year=2026 if department.cases.count() % 2 else 2027,
            )
            case.participating_departments.add(other_department)
        client.get(plan_url())
        with CaptureQueriesContext(connection) as queries:
            response = client.get(plan_url())
        assert response.context["case_count"] == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_each_row_shows_its_state_and_amounts(client, staff, plan_cases):
    draft, platform, retender = plan_cases
    client.force_login(staff)
    page = client.get(plan_url()).content.decode()
    # Four years of 1.000.000 kr. investment; a permanent gain of 500.000 kr.
    assert (
        f'<a href="{platform.get_absolute_url()}">Platform</a></td>\n'
        '        <td data-title="Status"><span class="badge badge-info">Indsendt</span></td>\n'
        '        <td class="align-text-right" data-title="Investering">4.000</td>\n'
        '        <td class="align-text-right" data-title="Nettoeffekt, varig">-500</td>'
    ) in page
