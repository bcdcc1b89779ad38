"""The follow-up pages: who sees what, the forms, and constant queries at two sizes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.followup.models import FollowUpReport, Light, ReportStatus
from portfolio.models import Role

from .factories import DepartmentFactory, UserFactory
from .factories_followup import approved_case, fill, open_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(department, cycle):
    return approved_case(department=department, cycle=cycle, gains={2027: 1_000_000})


@pytest.fixture
def round_(secretariat, case):
    return open_round(secretariat)


@pytest.fixture
def report(round_, case):
    return FollowUpReport.objects.get(round=round_, case=case)


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_anonymous_users_log_in_first(client, report):
    for url in (
        reverse("governance:followup-list"),
        report.get_absolute_url(),
        reverse("governance:followup-round-report", args=[report.round_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_department_sees_its_reports_in_the_list(client, staff, report):
    response = get(client, staff, reverse("governance:followup-list"))
    assert response.status_code == 200
    assert report.case.title in response.content.decode()


def test_another_department_gets_404_for_a_report(client, outsider, report):
    assert get(client, outsider, report.get_absolute_url()).status_code == 404
    assert (
        get(
            client, outsider, reverse("governance:followup-report-edit", args=[report.pk])
        ).status_code
        == 404
    )


def test_a_department_user_cannot_open_the_round_pages(client, staff, report):
    assert get(client, staff, report.round.get_absolute_url()).status_code == 403
    assert (
        get(
            client, staff, reverse("governance:followup-round-report", args=[report.round_id])
        ).status_code
        == 403
    )
    assert get(client, staff, reverse("governance:followup-round-create")).status_code == 403


@pytest.mark.parametrize("who", ["secretariat", "director", "committee_reader"])
def test_readers_read_the_round_and_its_report(request, client, who, report):
    user = request.getfixturevalue(who)
    assert get(client, user, report.round.get_absolute_url()).status_code == 200
    response = get(
        client, user, reverse("governance:followup-round-report", args=[report.round_id])
    )
    assert response.status_code == 200
    assert report.case.title in response.content.decode()


def test_readers_cannot_edit_a_report(client, committee_reader, report):
    url = reverse("governance:followup-report-edit", args=[report.pk])
    assert get(client, committee_reader, url).status_code == 403


def test_the_secretariat_opens_a_round_with_the_form(client, secretariat, case):
    client.force_login(secretariat)
    response = client.post(
        reverse("governance:followup-round-create"),
        {
            "year": "2028",
            "season": "november",
            "deadline": "20/11/2028",
            "cost_red_percent": "10",
            "cost_red_amount": "5.000.000",
            "schedule_red_months": "3",
            "benefits_red_percent": "10",
        },
    )
    assert response.status_code == 302
    assert FollowUpReport.objects.filter(case=case, round__season="november").exists()


def test_the_round_form_shows_danish_errors_next_to_the_field(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("governance:followup-round-create"),
        {
            "year": "2028",
            "season": "may",
            "deadline": "31/02/2028",
            "cost_red_percent": "10",
            "cost_red_amount": "fem",
            "schedule_red_months": "3",
            "benefits_red_percent": "10",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "dd/mm/åååå" in body or "31/03/2027" in body
    assert 'value="fem"' in body


def test_the_department_saves_the_report_form_and_the_it_lead_submits(
    client, staff, it_lead, report
):
    client.force_login(staff)
    url = reverse("governance:followup-report-edit", args=[report.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "version": str(report.version),
        "status_text": "Alt kører.",
        "expected_total_cost": "10.000.000",
        "expected_completion": "31/12/2028",
        "milestones": "",
        "risks": "",
        "needs_from_circle": "",
        "cost_override": "",
        "cost_override_reason": "",
        "schedule_override": "",
        "schedule_override_reason": "",
        "benefits_override": "yellow",
        "benefits_override_reason": "",
        "spent_2027": "4.000.000",
        "realised_2027": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 200  # the override lacks its justification
    assert "id_benefits_override_reason_error" in response.content.decode()
    data["benefits_override_reason"] = "Gevinsterne kommer først når systemet er i drift."
    assert client.post(url, data).status_code == 302
    report.refresh_from_db()
    assert report.years.get(year=2027).spent == 4_000_000
    client.force_login(it_lead)
    client.post(reverse("governance:followup-report-submit", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    body = get(client, it_lead, report.get_absolute_url()).content.decode()
    assert "Gevinsterne kommer først" in body
    assert "kk-light--red" in body and "kk-light--yellow" in body


def test_the_secretariat_records_a_rebaseline(client, secretariat, report):
    client.force_login(secretariat)
    url = reverse("governance:followup-rebaseline", args=[report.case_id])
    response = client.post(
        url,
        {
            "granted_2027": "8.000.000",
            "granted_2028": "4.000.000",
            "granted_2029": "",
            "granted_2030": "",
            "completion_date": "30/06/2029",
            "decided_on": "20/04/2028",
            "decision_text": "ØU godkendte en ny tidsplan.",
        },
    )
    assert response.status_code == 302
    body = client.get(report.get_absolute_url()).content.decode()
    assert "ØU godkendte en ny tidsplan." in body


def _grow(secretariat, n):
    for i in range(n):
        department = DepartmentFactory()
        UserFactory(department=department, roles=[Role.DEPARTMENT_STAFF])
        approved_case(
            department=department, cycle=None or _cycle(), title=f"Sag {i}", gains={2027: 500_000}
        )


def _cycle():
    from governance.models import BudgetCycle

    return BudgetCycle.objects.get(budget_year=2027)


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_name", ["followup-round", "followup-round-report"])
def test_the_round_pages_run_a_constant_number_of_queries(client, secretariat, cycle, url_name):
    from governance.followup.models import FollowUpRound

    _grow(secretariat, 2)
    small = open_round(secretariat, year=2028, season="may")
    _grow(secretariat, 8)
    large = open_round(secretariat, year=2028, season="november")
    for r in FollowUpReport.objects.filter(round=large)[:3]:
        staff = r.department.users.first()
        fill(
            r,
            staff,
            expected_total=12_000_000,
            expected_completion=datetime.date(2029, 6, 1),
            cost_override=Light.GREEN,
            cost_override_reason="Begrundelse.",
        )
    client.force_login(secretariat)
    assert FollowUpRound.objects.count() == 2
    n_small = _count(client, reverse(f"governance:{url_name}", args=[small.pk]))
    n_large = _count(client, reverse(f"governance:{url_name}", args=[large.pk]))
    assert n_small == n_large


def test_the_list_runs_a_constant_number_of_queries(client, staff, secretariat, department, cycle):
    approved_case(department=department, cycle=cycle, title="Første")
    open_round(secretariat, year=2028, season="may")
    client.force_login(staff)
    n_small = _count(client, reverse("governance:followup-list"))
    for i in range(5):
        approved_case(department=department, cycle=cycle, title=f"Flere {i}")
    open_round(secretariat, year=2028, season="november")
    assert _count(client, reverse("governance:followup-list")) == n_small


def test_the_case_page_shows_the_cases_reports_with_their_lights(client, staff, outsider, report):
    body = get(client, staff, report.case.get_absolute_url()).content.decode()
    assert 'id="followup-heading"' in body and report.get_absolute_url() in body
    assert "kk-light--" in body
