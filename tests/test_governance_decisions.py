"""Forwarding cases to the Economic Committee and recording its decisions."""

import datetime

import pytest
from django.urls import reverse

from governance.actions import case_workflow_context
from governance.models import CaseTransition, CommitteeMeeting, Decision, DecisionOutcome, PhaseKind
from governance.services import decisions as decision_services
from governance.services.decisions import meeting_create, meeting_decide_all
from governance.services.workflow import TransitionError, case_decide, cases_forward
from portfolio.models import CaseState

from .factories import BudgetCycleFactory
from .governance_helpers import case_in, open_phases, use_fast_password_hasher

TEXT = "Indstillingen blev godkendt uden afstemning."


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    use_fast_password_hasher(settings)


@pytest.fixture
def meeting(cycle, secretariat):
    open_phases(cycle, PhaseKind.BUDGET_NEGOTIATIONS)
    return meeting_create(
        actor=secretariat, cycle=cycle, held_on=datetime.date(2026, 9, 10),
        title="Budgetforhandlinger 2027: tværgående udviklings- og omstillingsplan",
    )


@pytest.fixture
def prioritised(department, other_department, cycle):
    return [
        case_in(CaseState.PRIORITISED, department=department, cycle=cycle, title="Sag A"),
        case_in(CaseState.PRIORITISED, department=other_department, cycle=cycle, title="Sag B"),
    ]


@pytest.fixture
def forwarded(prioritised, meeting, secretariat):
    cases_forward(actor=secretariat, case_pks=[c.pk for c in prioritised], meeting=meeting)
    for case in prioritised:
        case.refresh_from_db()
    return prioritised


def states(cases):
    for case in cases:
        case.refresh_from_db()
    return [case.state for case in cases]


# Forwarding


def test_secretariat_forwards_prioritised_cases_to_a_meeting(forwarded, meeting):
    assert states(forwarded) == [CaseState.FORWARDED, CaseState.FORWARDED]
    assert set(meeting.cases.all()) == set(forwarded)
    assert CaseTransition.objects.filter(to_state=CaseState.FORWARDED).count() == 2


def test_forwarding_is_all_or_nothing(prioritised, department, cycle, meeting, secretariat):
    qualified = case_in(CaseState.QUALIFIED, department=department, cycle=cycle)
    with pytest.raises(TransitionError):
        cases_forward(
            actor=secretariat, case_pks=[*(c.pk for c in prioritised), qualified.pk],
            meeting=meeting,
        )
    assert states(prioritised) == [CaseState.PRIORITISED, CaseState.PRIORITISED]
    assert not meeting.cases.exists()
    assert not CaseTransition.objects.exists()


def test_a_case_of_another_cycle_cannot_go_to_the_meeting(meeting, department, secretariat):
    later = BudgetCycleFactory(budget_year=2028)
    open_phases(later, PhaseKind.BUDGET_NEGOTIATIONS)
    case = case_in(CaseState.PRIORITISED, department=department, cycle=later)
    with pytest.raises(TransitionError):
        cases_forward(actor=secretariat, case_pks=[case.pk], meeting=meeting)
    assert states([case]) == [CaseState.PRIORITISED]


def test_directors_cannot_forward(prioritised, meeting, director):
    with pytest.raises(TransitionError):
        cases_forward(actor=director, case_pks=[prioritised[0].pk], meeting=meeting)
    assert states(prioritised) == [CaseState.PRIORITISED, CaseState.PRIORITISED]


# Deciding


@pytest.mark.parametrize("outcome", DecisionOutcome.values)
def test_secretariat_records_a_decision(forwarded, meeting, secretariat, outcome):
    case = forwarded[0]
    decision = case_decide(
        actor=secretariat, case_pk=case.pk, meeting=meeting, outcome=outcome, text=TEXT
    )
    assert states([case]) == [outcome]
    assert (decision.text, decision.decided_on, decision.recorded_by) == (
        TEXT, meeting.held_on, secretariat
    )
    assert CaseTransition.objects.get(case=case, to_state=outcome).comment == TEXT


def test_a_decision_needs_a_text(forwarded, meeting, secretariat):
    with pytest.raises(TransitionError):
        case_decide(actor=secretariat, case_pk=forwarded[0].pk, meeting=meeting,
                    outcome=DecisionOutcome.APPROVED, text=" ")
    assert states(forwarded)[0] == CaseState.FORWARDED
    assert not Decision.objects.exists()


@pytest.mark.parametrize("who", ["director", "it_lead", "committee_reader"])
def test_only_the_secretariat_records_decisions(forwarded, meeting, who, request):
    with pytest.raises(TransitionError):
        case_decide(actor=request.getfixturevalue(who), case_pk=forwarded[0].pk,
                    meeting=meeting, outcome=DecisionOutcome.APPROVED, text=TEXT)
    assert not Decision.objects.exists()


def test_deciding_outside_the_committee_phases_needs_a_reason(forwarded, meeting, secretariat,
                                                             cycle):
    open_phases(cycle, PhaseKind.INTAKE)
    with pytest.raises(TransitionError):
        case_decide(actor=secretariat, case_pk=forwarded[0].pk, meeting=meeting,
                    outcome=DecisionOutcome.APPROVED, text=TEXT)
    case_decide(actor=secretariat, case_pk=forwarded[0].pk, meeting=meeting,
                outcome=DecisionOutcome.APPROVED, text=TEXT, override_reason="Ekstra møde")
    assert CaseTransition.objects.get(to_state=CaseState.APPROVED).phase_override_reason == (
        "Ekstra møde"
    )


def test_one_decision_for_all_cases_of_a_meeting(forwarded, meeting, secretariat):
    decisions = meeting_decide_all(
        actor=secretariat, meeting=meeting, outcome=DecisionOutcome.APPROVED, text=TEXT
    )
    assert len(decisions) == 2
    assert states(forwarded) == [CaseState.APPROVED, CaseState.APPROVED]


def test_the_decision_for_all_is_all_or_nothing(forwarded, meeting, secretariat, monkeypatch):
    real = decision_services.case_decide
    calls = []

    def fail_on_the_second(**kwargs):
        calls.append(kwargs["case_pk"])
        if len(calls) == 2:
            raise TransitionError("Databasen svarede ikke.")
        return real(**kwargs)

    monkeypatch.setattr(decision_services, "case_decide", fail_on_the_second)
    with pytest.raises(TransitionError):
        meeting_decide_all(
            actor=secretariat, meeting=meeting, outcome=DecisionOutcome.APPROVED, text=TEXT
        )
    assert len(calls) == 2
    assert states(forwarded) == [CaseState.FORWARDED, CaseState.FORWARDED]
    assert not Decision.objects.exists()
    assert not CaseTransition.objects.filter(to_state=CaseState.APPROVED).exists()


def test_decisions_are_visible_to_the_department_once_recorded(forwarded, meeting, secretariat,
                                                               it_lead):
    case = forwarded[0]
    assert case_workflow_context(it_lead, case)["decisions"] == []
    case_decide(actor=secretariat, case_pk=case.pk, meeting=meeting,
                outcome=DecisionOutcome.DEFERRED, text="Sagen blev udsat.")
    shown = case_workflow_context(it_lead, case)["decisions"]
    assert [d.text for d in shown] == ["Sagen blev udsat."]


def test_an_approved_case_moves_on_to_in_progress(forwarded, meeting, secretariat, it_lead):
    from governance.actions import available_actions

    case = forwarded[0]
    case_decide(actor=secretariat, case_pk=case.pk, meeting=meeting,
                outcome=DecisionOutcome.APPROVED, text=TEXT)
    case.refresh_from_db()
    assert [a.name for a in available_actions(it_lead, case)] == ["start"]


# Pages


LIST = "/proces/moeder/"


def test_meetings_send_anonymous_to_login(client, meeting):
    assert client.get(LIST)["Location"].startswith("/login/")
    assert client.get(reverse("governance:meeting-detail", args=[meeting.pk]))[
        "Location"
    ].startswith("/login/")


@pytest.mark.parametrize("who", ["it_lead", "director"])
def test_meetings_are_refused_to_departments_and_directors(client, meeting, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("governance:meeting-detail", args=[meeting.pk])).status_code == 403


def test_committee_reader_reads_meetings_without_forms(client, forwarded, meeting,
                                                      committee_reader):
    client.force_login(committee_reader)
    listing = client.get(LIST)
    detail = client.get(reverse("governance:meeting-detail", args=[meeting.pk]))
    assert meeting.title in listing.content.decode()
    assert "Sag A" in detail.content.decode()
    assert "Registrér beslutningen" not in detail.content.decode()
    assert detail.context["bulk_form"] is None
    assert all(row["form"] is None for row in detail.context["rows"])
    assert client.post(LIST, {"held_on": "2026-09-10", "title": "X"}).status_code == 403


def test_secretariat_registers_a_meeting(client, secretariat, cycle):
    client.force_login(secretariat)
    response = client.post(LIST, {"held_on": "2026-09-10", "title": "Budgetforhandlinger"})
    meeting = CommitteeMeeting.objects.get()
    assert response["Location"] == reverse("governance:meeting-detail", args=[meeting.pk])
    assert meeting.cycle == cycle and meeting.created_by == secretariat


def test_a_meeting_without_a_date_is_refused_next_to_the_field(client, secretariat, cycle):
    client.force_login(secretariat)
    response = client.post(LIST, {"held_on": "", "title": "Budgetforhandlinger"})
    assert response.status_code == 400
    assert "form-error-message" in response.content.decode()
    assert 'value="Budgetforhandlinger"' in response.content.decode()
    assert not CommitteeMeeting.objects.exists()


def test_secretariat_forwards_through_the_page(client, prioritised, meeting, secretariat):
    client.force_login(secretariat)
    url = reverse("governance:forward-cases")
    page = client.get(url)
    assert "Sag A" in page.content.decode()
    response = client.post(url, {"cases": [prioritised[0].pk], "meeting": meeting.pk})
    assert response.status_code == 302
    assert states(prioritised) == [CaseState.FORWARDED, CaseState.PRIORITISED]


def test_forward_page_is_only_for_the_secretariat(client, committee_reader):
    client.force_login(committee_reader)
    assert client.get(reverse("governance:forward-cases")).status_code == 403


def test_secretariat_records_a_decision_through_the_page(client, forwarded, meeting, secretariat,
                                                         django_assert_max_num_queries):
    client.force_login(secretariat)
    page_url = reverse("governance:meeting-detail", args=[meeting.pk])
    with django_assert_max_num_queries(18):  # +3: allocations, economy, pool rules
        assert client.get(page_url).status_code == 200
    case = forwarded[0]
    url = reverse("governance:decide-case", args=[meeting.pk, case.pk])
    response = client.post(url, {f"case{case.pk}-outcome": "approved", f"case{case.pk}-text": TEXT})
    assert response.status_code == 302
    assert states([case]) == [CaseState.APPROVED]


def test_the_page_records_one_decision_for_all(client, forwarded, meeting, secretariat):
    client.force_login(secretariat)
    url = reverse("governance:decide-all", args=[meeting.pk])
    response = client.post(url, {"all-outcome": "deferred", "all-text": "Udsat til næste år."})
    assert response.status_code == 302
    assert states(forwarded) == [CaseState.DEFERRED, CaseState.DEFERRED]


def test_a_decision_without_text_is_shown_next_to_the_field(client, forwarded, meeting,
                                                            secretariat):
    client.force_login(secretariat)
    url = reverse("governance:decide-all", args=[meeting.pk])
    response = client.post(url, {"all-outcome": "approved", "all-text": ""})
    assert response.status_code == 400
    assert "Skriv beslutningsteksten." in response.content.decode()
    assert states(forwarded) == [CaseState.FORWARDED, CaseState.FORWARDED]


def test_committee_reader_cannot_post_a_decision(client, forwarded, meeting, committee_reader):
    client.force_login(committee_reader)
    url = reverse("governance:decide-all", args=[meeting.pk])
    assert client.post(url, {"all-outcome": "approved", "all-text": TEXT}).status_code == 403
    assert not Decision.objects.exists()


def test_a_case_travels_the_whole_cycle_and_its_story_is_on_its_timeline(
    department, cycle, staff, it_lead, secretariat, director
):
    from governance.services.prioritisation import assessment_save, prioritisation_publish
    from governance.services.workflow import (
        case_complete,
        case_qualify,
        case_return,
        case_start,
        case_submit,
    )

    from .governance_helpers import complete_case

    case = complete_case(department=department, cycle=cycle, created_by=staff)
    open_phases(cycle, PhaseKind.INTAKE)
    case_submit(actor=it_lead, case_pk=case.pk)
    open_phases(cycle, PhaseKind.QUALIFICATION)
    case_return(actor=secretariat, case_pk=case.pk, comment="Uddyb gevinsterne.")
    case_submit(actor=it_lead, case_pk=case.pk, comment="Gevinster uddybet.")
    case_qualify(actor=secretariat, case_pk=case.pk)
    open_phases(cycle, PhaseKind.PRIORITISATION)
    assessment_save(actor=director, case_pk=case.pk, score=5, rank=1,
                    recommendation="prioritise", reason="Skalerbar.")
    prioritisation_publish(actor=secretariat, cycle=cycle)
    open_phases(cycle, PhaseKind.BUDGET_NEGOTIATIONS)
    meeting = meeting_create(actor=secretariat, cycle=cycle, held_on=datetime.date(2026, 9, 10),
                             title="Budget 2027")
    cases_forward(actor=secretariat, case_pks=[case.pk], meeting=meeting)
    case_decide(actor=secretariat, case_pk=case.pk, meeting=meeting,
                outcome=DecisionOutcome.APPROVED, text=TEXT)
    open_phases(cycle)
    case_start(actor=it_lead, case_pk=case.pk)
    case_complete(actor=it_lead, case_pk=case.pk)

    story = list(case.transitions.values_list("from_state", "to_state", "actor__username"))
    assert story == [
        ("draft", "submitted", "bif-itlead"),
        ("submitted", "returned", "secretariat"),
        ("returned", "submitted", "bif-itlead"),
        ("submitted", "qualified", "secretariat"),
        ("qualified", "prioritised", "secretariat"),
        ("prioritised", "forwarded", "secretariat"),
        ("forwarded", "approved", "secretariat"),
        ("approved", "in_progress", "bif-itlead"),
        ("in_progress", "completed", "bif-itlead"),
    ]
    case.refresh_from_db()
    assert case.state == CaseState.COMPLETED
    assert case.version == 10
