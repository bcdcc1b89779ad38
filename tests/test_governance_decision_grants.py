"""The ØU decision form records the granted money per channel and year."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from financing import services
from financing.models import Allocation, ChannelKind
from governance.models import Decision, PhaseKind
from governance.services.decisions import meeting_create
from governance.services.workflow import cases_forward
from portfolio.models import CaseState

from .factories_money import capacities, channels
from .governance_helpers import case_in, open_phases

pytestmark = pytest.mark.django_db
TEXT = "Indstillingen blev godkendt uden afstemning."


@pytest.fixture
def frame(cycle):
    channel = channels()[ChannelKind.FRAME]
    capacities(channel, {2027: 10_000_000, 2028: 10_000_000})
    return channel


@pytest.fixture
def meeting(cycle, secretariat):
    open_phases(cycle, PhaseKind.BUDGET_NEGOTIATIONS)
    return meeting_create(actor=secretariat, cycle=cycle, held_on=datetime.date(2026, 9, 10),
                          title="Budgetforhandlinger 2027")


def forwarded_case(department, cycle, meeting, secretariat, frame, recommended=4_000_000):
    case = case_in(CaseState.PRIORITISED, department=department, cycle=cycle)
    Allocation.objects.create(case=case, channel=frame, year=2027, requested=5_000_000)
    services.allocation_recommend_set(actor=secretariat, case=case, channel=frame,
                                      amounts={2027: recommended})
    cases_forward(actor=secretariat, case_pks=[case.pk], meeting=meeting)
    return case


def test_the_form_is_prefilled_from_the_recommendation_and_grants_partially(
    client, department, cycle, meeting, secretariat, frame
):
    case = forwarded_case(department, cycle, meeting, secretariat, frame)
    client.force_login(secretariat)
    page = client.get(reverse("governance:meeting-detail", args=[meeting.pk]))
    assert 'value="4.000.000"' in page.content.decode()
    response = client.post(
        reverse("governance:decide-case", args=[meeting.pk, case.pk]),
        {f"case{case.pk}-outcome": "approved", f"case{case.pk}-text": TEXT,
         f"case{case.pk}-grant_frame_2027": "3.000.000"},
    )
    assert response.status_code == 302
    assert Allocation.objects.get(case=case).granted == 3_000_000


def test_a_grant_past_the_capacity_records_no_decision(
    client, department, cycle, meeting, secretariat, frame
):
    case = forwarded_case(department, cycle, meeting, secretariat, frame)
    client.force_login(secretariat)
    response = client.post(
        reverse("governance:decide-case", args=[meeting.pk, case.pk]),
        {f"case{case.pk}-outcome": "approved", f"case{case.pk}-text": TEXT,
         f"case{case.pk}-grant_frame_2027": "12.500.000"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "overskredet med 2.500.000 kr." in body
    assert f'id="id_case{case.pk}-grant_frame_2027_error"' in body or "form-error" in body
    assert not Decision.objects.filter(case=case).exists()
    assert Allocation.objects.get(case=case).granted is None


def test_a_rejection_grants_nothing(client, department, cycle, meeting, secretariat, frame):
    case = forwarded_case(department, cycle, meeting, secretariat, frame)
    client.force_login(secretariat)
    client.post(
        reverse("governance:decide-case", args=[meeting.pk, case.pk]),
        {f"case{case.pk}-outcome": "rejected", f"case{case.pk}-text": "Forkastet.",
         f"case{case.pk}-grant_frame_2027": "4.000.000"},
    )
    assert Decision.objects.filter(case=case).exists()
    assert Allocation.objects.get(case=case).granted is None


def test_the_meeting_page_costs_the_same_queries_at_two_sizes(
    client, department, other_department, cycle, meeting, secretariat, frame
):
    for _ in range(2):
        forwarded_case(department, cycle, meeting, secretariat, frame, recommended=100_000)
    client.force_login(secretariat)
    url = reverse("governance:meeting-detail", args=[meeting.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _ in range(6):
        forwarded_case(other_department, cycle, meeting, secretariat, frame, recommended=100_000)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)


def test_the_queue_shows_requested_money_and_the_pool_verdict(
    client, department, other_department, cycle, secretariat
):
    from financing.models import PoolRules

    pool = channels()[ChannelKind.POOL]
    PoolRules.objects.create(cycle=cycle, max_payback_years=3, require_gains=True)
    url = reverse("governance:qualification-queue")
    client.force_login(secretariat)

    def submitted(dept):
        case = case_in(CaseState.SUBMITTED, department=dept, cycle=cycle)
        Allocation.objects.create(case=case, channel=pool, year=2027, requested=1_250_000,
                                  round="budget")
        return case

    submitted(department)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        page = client.get(url)
    body = page.content.decode()
    assert "1.250" in body and "2027 p/l" in body
    assert "Ikke opfyldt" in body  # the factory case has no gains
    for _ in range(5):
        submitted(other_department)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)
