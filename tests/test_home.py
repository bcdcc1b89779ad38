"""The home page: the current cycle and each role's work in it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from governance.models import Phase, PhaseKind
from portfolio.models import CaseState, Role

from .factories import DepartmentFactory, InvestmentCaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def state_label(state):
    with translation.override("da"):
        return str(CaseState(state).label)


@pytest.fixture
def cases(cycle, department, other_department):
    """BIF: two drafts and a submitted case; SUF: a qualified and a forwarded case."""
    return {
        "bif_draft_1": InvestmentCaseFactory(
            title="Digital jobformidling", department=department, cycle=cycle
        ),
        "bif_draft_2": InvestmentCaseFactory(
            title="Selvbetjening for ledige", department=department, cycle=cycle
        ),
        "bif_submitted": InvestmentCaseFactory(
            title="AI i sagsbehandlingen",
            department=department,
            cycle=cycle,
            state=CaseState.SUBMITTED,
        ),
        "suf_qualified": InvestmentCaseFactory(
            title="Robotter i hjemmeplejen",
            department=other_department,
            cycle=cycle,
            state=CaseState.QUALIFIED,
        ),
        "suf_forwarded": InvestmentCaseFactory(
            title="Genudbud af omsorgssystem",
            department=other_department,
            cycle=cycle,
            state=CaseState.FORWARDED,
        ),
    }


def get_home(client, user):
    client.force_login(user)
    return client.get(reverse("home"))


def test_it_redirects_anonymous_users_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_a_department_user_their_own_cases_by_state(client, staff, cases):
    response = get_home(client, staff)
    overview = response.context["department_overview"]
    assert overview["department"] == staff.department
    assert overview["total"] == 3
    assert overview["counts"] == [
        {"state": "draft", "label": CaseState.DRAFT.label, "count": 2},
        {"state": "submitted", "label": CaseState.SUBMITTED.label, "count": 1},
    ]
    html = response.content.decode()
    assert "Digital jobformidling" in html
    assert "AI i sagsbehandlingen" in html


def test_it_does_not_show_a_department_user_other_departments_cases(client, staff, cases):
    response = get_home(client, staff)
    html = response.content.decode()
    assert "Robotter i hjemmeplejen" not in html
    assert "Genudbud af omsorgssystem" not in html
    assert "secretariat_overview" not in response.context
    assert "committee_overview" not in response.context


def test_it_counts_the_other_department_only_for_its_own_users(client, outsider, cases):
    overview = get_home(client, outsider).context["department_overview"]
    assert overview["total"] == 2
    assert {row["label"] for row in overview["counts"]} == {
        CaseState.QUALIFIED.label,
        CaseState.FORWARDED.label,
    }
    assert "Digital jobformidling" not in get_home(client, outsider).content.decode()


def test_it_counts_a_case_once_when_several_departments_take_part(
    client, staff, cycle, department, other_department
):
    third = DepartmentFactory(code="TMF", name="Teknik- og Miljøforvaltningen", note_prefix="TM")
    case = InvestmentCaseFactory(department=department, cycle=cycle, state=CaseState.SUBMITTED)
    case.participating_departments.set([department, other_department, third])
    overview = get_home(client, staff).context["department_overview"]
    assert overview["total"] == 1


def test_it_leaves_out_other_cycles(client, staff, cycle, department):
    from .factories import BudgetCycleFactory

    old = BudgetCycleFactory(budget_year=2020)
    InvestmentCaseFactory(title="Gammel sag", department=department, cycle=old)
    response = get_home(client, staff)
    assert response.context["cycle"] == cycle
    assert response.context["department_overview"]["total"] == 0
    assert "Gammel sag" not in response.content.decode()


def test_it_shows_the_secretariat_a_department_by_state_table(client, secretariat, cases):
    response = get_home(client, secretariat)
    overview = response.context["secretariat_overview"]
    assert overview["columns"] == [
        CaseState.DRAFT.label,
        CaseState.SUBMITTED.label,
        CaseState.QUALIFIED.label,
        CaseState.FORWARDED.label,
    ]
    rows = {row["department"].code: row for row in overview["rows"]}
    assert rows["BIF"]["counts"] == [2, 1, 0, 0]
    assert rows["SUF"]["counts"] == [0, 0, 1, 1]
    assert rows["OKF"]["total"] == 0
    assert overview["column_totals"] == [2, 1, 1, 1]
    assert overview["total"] == 5
    html = response.content.decode()
    assert "Sundheds- og Omsorgsforvaltningen" in html
    assert "department_overview" not in response.context


def test_the_secretariats_counts_link_to_the_filtered_case_list(client, secretariat, cases):
    html = get_home(client, secretariat).content.decode()
    # BIF has two drafts in the 2027 cycle: the count opens exactly those.
    assert 'href="/sager/?cycle=2027&amp;department=BIF&amp;state=draft">2</a>' in html
    assert 'href="/sager/?cycle=2027&amp;state=submitted">1</a>' in html
    # An empty cell is no link; the year is never written "2.027".
    assert "department=OKF&amp;state=draft" not in html
    assert "2.027" not in html


def test_the_secretariat_home_page_does_not_query_per_department_or_case(
    client, secretariat, cycle, cases, django_assert_max_num_queries
):
    client.force_login(secretariat)
    # The first request renews the session's idle timeout (a save); the next ones do not.
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    for n in range(5):
        department = DepartmentFactory(code=f"X{n}", name=f"Forvaltning {n}", note_prefix=f"X{n}")
        for state in (CaseState.DRAFT, CaseState.APPROVED):
            InvestmentCaseFactory(department=department, cycle=cycle, state=state)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("home"))
    assert response.context["secretariat_overview"]["total"] == 15
    assert len(many) == len(few)
    # Session and user (2), cycle and phases (2, or 3 when no budget negotiations
    # are ahead), roles and department (2), unread notifications (1), the counts
    # and the department list (2).
    with django_assert_max_num_queries(10):
        client.get(reverse("home"))


def test_a_department_home_page_needs_few_queries(
    client, staff, cases, django_assert_max_num_queries
):
    client.force_login(staff)
    client.get(reverse("home"))
    # As for the secretariat, with the latest cases instead of the department list.
    with django_assert_max_num_queries(10):
        client.get(reverse("home"))


def test_it_shows_the_directors_how_many_cases_are_submitted_and_qualified(
    client, director, cases
):
    response = get_home(client, director)
    assert response.context["directors_overview"] == {"submitted": 1, "qualified": 1}
    assert "department_overview" not in response.context
    assert "secretariat_overview" not in response.context
    assert "Digital jobformidling" not in response.content.decode()


def test_it_shows_a_committee_reader_the_cases_before_the_committee(
    client, committee_reader, cases
):
    response = get_home(client, committee_reader)
    listed = response.context["committee_overview"]["cases"]
    assert [case.title for case in listed] == ["Genudbud af omsorgssystem"]
    html = response.content.decode()
    assert "Genudbud af omsorgssystem" in html
    assert "Robotter i hjemmeplejen" not in html
    assert "AI i sagsbehandlingen" not in html


def test_a_user_without_a_role_is_told_to_contact_the_secretariat(client, cycle, cases):
    nobody = UserFactory(username="nobody", roles=[])
    response = get_home(client, nobody)
    assert response.context["has_role"] is False
    for key in ("department_overview", "secretariat_overview", "directors_overview"):
        assert key not in response.context
    assert "Digital jobformidling" not in response.content.decode()
    assert 'class="alert alert-info"' in response.content.decode()


def test_a_department_user_with_another_role_sees_both(client, department, cases):
    both = UserFactory(
        username="both", department=department, roles=[Role.DEPARTMENT_STAFF, Role.IT_DIRECTORS]
    )
    response = get_home(client, both)
    assert response.context["department_overview"]["total"] == 3
    assert response.context["directors_overview"]["qualified"] == 1


def test_it_shows_the_open_phase_of_the_cycle(client, staff, cycle):
    Phase.objects.filter(cycle=cycle, kind=PhaseKind.INTAKE).update(
        starts_on=datetime.date.today(), ends_on=datetime.date.today()
    )
    response = get_home(client, staff)
    with translation.override("da"):
        label = str(PhaseKind.INTAKE.label)
    assert label in response.content.decode()


def test_it_explains_when_there_is_no_cycle(client, staff):
    response = get_home(client, staff)
    assert response.status_code == 200
    assert response.context["cycle"] is None
    assert "department_overview" not in response.context
