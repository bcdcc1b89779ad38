"""The Economic Committee's meetings: listed in date order, typed as dd/mm/åååå,
correctable until decisions are recorded, and decided only once held."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import CommitteeMeeting, Decision, DecisionOutcome, PhaseKind
from governance.services.decisions import MeetingError, meeting_create, meeting_update
from governance.services.workflow import TransitionError, case_decide, cases_forward
from kkdigital.lib.errors import ServiceError
from portfolio.models import CaseState

from .governance_helpers import case_in, open_phases

LIST = reverse("governance:meeting-list")
TEXT = "Indstillingen blev godkendt uden afstemning."


def edit_url(meeting):
    return reverse("governance:meeting-edit", args=[meeting.pk])


@pytest.fixture
def meeting(cycle, secretariat):
    open_phases(cycle, PhaseKind.BUDGET_NEGOTIATIONS)
    return meeting_create(
        actor=secretariat, cycle=cycle, held_on=datetime.date(2026, 9, 10),
        title="Budgetforhandlinger 2027",
    )


@pytest.fixture
def forwarded(meeting, department, cycle, secretariat):
    case = case_in(CaseState.PRIORITISED, department=department, cycle=cycle, title="Sag A")
    cases_forward(actor=secretariat, case_pks=[case.pk], meeting=meeting)
    return case


def test_the_meeting_list_is_in_date_order(client, cycle, secretariat, meeting):
    meeting_create(actor=secretariat, cycle=cycle, held_on=datetime.date(2026, 11, 5),
                   title="Overførselssag")
    meeting_create(actor=secretariat, cycle=cycle, held_on=datetime.date(2026, 5, 20),
                   title="Første puljerunde")
    client.force_login(secretariat)
    response = client.get(LIST, {"cycle": cycle.pk})
    assert [m.held_on.month for m in response.context["meetings"]] == [5, 9, 11]


def test_the_meeting_date_is_a_dd_mm_yyyy_text_field(client, cycle, secretariat):
    client.force_login(secretariat)
    html = client.get(LIST, {"cycle": cycle.pk}).content.decode()
    assert 'type="date"' not in html
    assert 'name="held_on"' in html and 'class="date-picker"' in html
    response = client.post(f"{LIST}?cycle={cycle.pk}", {"held_on": "10/09/2026", "title": "Budget"})
    assert response.status_code == 302
    assert CommitteeMeeting.objects.get().held_on == datetime.date(2026, 9, 10)


def test_a_mistyped_meeting_date_is_refused_and_kept(client, cycle, secretariat):
    client.force_login(secretariat)
    response = client.post(f"{LIST}?cycle={cycle.pk}", {"held_on": "31/02/2026", "title": "X"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Skriv datoen som dd/mm/åååå" in html
    assert 'value="31/02/2026"' in html
    assert not CommitteeMeeting.objects.exists()


def test_the_secretariat_corrects_date_and_agenda_item(client, meeting, secretariat):
    client.force_login(secretariat)
    page = client.get(reverse("governance:meeting-detail", args=[meeting.pk])).content.decode()
    assert edit_url(meeting) in page
    assert 'value="10/09/2026"' in client.get(edit_url(meeting)).content.decode()
    response = client.post(
        edit_url(meeting), {"held_on": "17/09/2026", "title": "Budget 2027, pkt. 4"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.held_on, meeting.title) == (datetime.date(2026, 9, 17), "Budget 2027, pkt. 4")
    assert meeting.history.first().history_user == secretariat


def test_a_meeting_with_decisions_can_no_longer_be_corrected(
    client, meeting, forwarded, secretariat
):
    case_decide(actor=secretariat, case_pk=forwarded.pk, meeting=meeting,
                outcome=DecisionOutcome.APPROVED, text=TEXT)
    with pytest.raises(MeetingError):
        meeting_update(actor=secretariat, meeting_pk=meeting.pk,
                       held_on=datetime.date(2026, 9, 17), title="Ny")
    client.force_login(secretariat)
    page = client.get(reverse("governance:meeting-detail", args=[meeting.pk])).content.decode()
    assert edit_url(meeting) not in page
    response = client.post(edit_url(meeting), {"held_on": "17/09/2026", "title": "Ny"})
    assert response.status_code == 400
    assert "Der er registreret beslutninger fra dette møde" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.held_on == datetime.date(2026, 9, 10)


@pytest.mark.parametrize("who", ["committee_reader", "director", "it_lead"])
def test_only_the_secretariat_corrects_a_meeting(client, meeting, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.post(edit_url(meeting), {"held_on": "17/09/2026", "title": "X"})
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.title == "Budgetforhandlinger 2027"


def test_anonymous_users_log_in_to_correct_a_meeting(client, meeting):
    assert client.get(edit_url(meeting)).status_code == 302


def test_no_decision_for_a_meeting_that_lies_in_the_future(
    client, meeting, forwarded, secretariat
):
    meeting_update(actor=secretariat, meeting_pk=meeting.pk,
                   held_on=timezone.localdate() + datetime.timedelta(days=7), title="Snart")
    meeting.refresh_from_db()
    with pytest.raises(TransitionError) as refused:
        case_decide(actor=secretariat, case_pk=forwarded.pk, meeting=meeting,
                    outcome=DecisionOutcome.APPROVED, text=TEXT)
    assert isinstance(refused.value, ServiceError)
    assert "er ikke holdt endnu" in refused.value.message
    forwarded.refresh_from_db()
    assert forwarded.state == CaseState.FORWARDED
    assert not Decision.objects.exists()
    client.force_login(secretariat)
    response = client.get(reverse("governance:meeting-detail", args=[meeting.pk]))
    assert all(row["form"] is None for row in response.context["rows"])
    assert response.context["bulk_form"] is None
    assert "Registrér udvalgets beslutninger efter mødet." in response.content.decode()
