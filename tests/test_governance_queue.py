"""The secretariat's qualification queue and the case's workflow buttons."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.actions import available_actions, case_workflow_context, latest_return
from governance.models import CaseTransition, PhaseKind
from governance.services import workflow
from portfolio.models import CaseState

from .governance_helpers import case_in, complete_case, open_phases, use_fast_password_hasher

QUEUE = "/proces/kvalificering/"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    use_fast_password_hasher(settings)


def action_url(case, name):
    return reverse("governance:case-action", args=[case.pk, name])


@pytest.fixture
def submitted(department, cycle, it_lead):
    return case_in(CaseState.SUBMITTED, department=department, cycle=cycle, submitted_by=it_lead)


# The queue


def test_queue_sends_anonymous_to_login(client, submitted):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("who", ["it_lead", "director", "committee_reader"])
def test_queue_is_refused_to_everybody_but_the_secretariat(client, submitted, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(QUEUE).status_code == 403


def test_queue_lists_submitted_cases_of_all_departments_oldest_first(
    client, secretariat, cycle, department, other_department, it_lead, outsider_it_lead,
    django_assert_max_num_queries,
):
    newer = case_in(CaseState.SUBMITTED, department=department, cycle=cycle, title="Nyere",
                    submitted_by=it_lead)
    older = case_in(CaseState.SUBMITTED, department=other_department, cycle=cycle, title="Ældre",
                    submitted_by=outsider_it_lead)
    CaseTransition.objects.filter(case=older).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    case_in(CaseState.DRAFT, department=department, cycle=cycle, title="Kladden")
    case_in(CaseState.QUALIFIED, department=department, cycle=cycle, title="Færdig")
    client.force_login(secretariat)

    # +3: allocations, economy, pool rules; +2: the count of the pages, the totals
    with django_assert_max_num_queries(20):
        response = client.get(QUEUE)

    content = response.content.decode()
    assert response.status_code == 200
    assert content.index("Ældre") < content.index("Nyere")
    assert "Kladden" not in content and "Færdig" not in content
    assert [c.pk for c in response.context["cases"]] == [older.pk, newer.pk]


def _queue_cases(n, *, department, cycle, it_lead, start=0):
    from financing.models import Allocation

    from .factories_money import FinancingChannelFactory

    frame = FinancingChannelFactory(kind="frame")
    made = []
    for i in range(start, start + n):
        case = case_in(CaseState.SUBMITTED, department=department, cycle=cycle,
                       title=f"Sag {i:03d}", submitted_by=it_lead)
        Allocation.objects.create(case=case, channel=frame, year=2027, requested=1_000)
        made.append(case)
    return made


def test_queue_shows_a_page_at_a_time_with_totals_of_every_page(
    client, secretariat, cycle, department, it_lead, settings
):
    from governance.views import queue

    settings.LANGUAGE_CODE = "da"
    cases = _queue_cases(queue.PAGE_SIZE + 3, department=department, cycle=cycle,
                         it_lead=it_lead)
    client.force_login(secretariat)

    first = client.get(QUEUE)
    second = client.get(QUEUE + "?page=2")

    body = first.content.decode()
    assert [c.pk for c in first.context["cases"]] == [c.pk for c in cases[: queue.PAGE_SIZE]]
    assert [c.pk for c in second.context["cases"]] == [c.pk for c in cases[queue.PAGE_SIZE:]]
    assert f"{queue.PAGE_SIZE + 3} sager afventer kvalificering" in body
    assert "Side 1 af 2" in body and "?page=2" in body
    # The total counts the cases of both pages: 53 × 1.000 kr. = 53 (1.000 kr.).
    assert second.context["requested_totals"] == [(cycle, 1_000 * (queue.PAGE_SIZE + 3))]
    assert "<strong>53</strong>" in body


def test_queue_runs_the_same_queries_for_few_and_many_cases(
    client, secretariat, cycle, department, it_lead
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(secretariat)
    counts = []
    for n, start in ((2, 0), (60, 2)):
        _queue_cases(n, department=department, cycle=cycle, it_lead=it_lead, start=start)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_secretariat_qualifies_from_the_queue_and_comes_back(client, secretariat, submitted, cycle):
    open_phases(cycle, PhaseKind.QUALIFICATION)
    client.force_login(secretariat)
    response = client.post(action_url(submitted, "qualify"), {"next": QUEUE})
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    submitted.refresh_from_db()
    assert submitted.state == CaseState.QUALIFIED
    assert "Ingen sager afventer kvalificering" in client.get(QUEUE).content.decode()


def test_return_shows_a_form_and_refuses_an_empty_comment(client, secretariat, submitted, cycle):
    open_phases(cycle, PhaseKind.QUALIFICATION)
    client.force_login(secretariat)
    page = client.get(action_url(submitted, "return"))
    assert page.status_code == 200
    assert 'name="comment"' in page.content.decode()

    response = client.post(action_url(submitted, "return"), {"comment": "  "})

    assert response.status_code == 200
    assert "Skriv en kommentar til forvaltningen" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == CaseState.SUBMITTED


def test_return_with_comment_goes_back_to_the_case_page(client, secretariat, submitted, cycle):
    open_phases(cycle, PhaseKind.QUALIFICATION)
    client.force_login(secretariat)
    response = client.post(
        action_url(submitted, "return"), {"comment": "Beskriv gevinsterne nærmere."}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/sager/{submitted.pk}/"
    submitted.refresh_from_db()
    assert submitted.state == CaseState.RETURNED
    assert latest_return(submitted).comment == "Beskriv gevinsterne nærmere."


def test_secretariat_outside_the_phase_must_give_a_reason(client, secretariat, submitted, cycle):
    open_phases(cycle, PhaseKind.INTAKE)
    client.force_login(secretariat)
    response = client.post(action_url(submitted, "qualify"), {})
    assert response.status_code == 200
    assert "Giv en begrundelse for at handle uden for fasen" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == CaseState.SUBMITTED

    response = client.post(action_url(submitted, "qualify"), {"override_reason": "Sen frist"})
    assert response.status_code == 302
    assert CaseTransition.objects.get(to_state=CaseState.QUALIFIED).phase_override_reason == (
        "Sen frist"
    )


# The case's action endpoint


def test_case_action_sends_anonymous_to_login(client, submitted):
    response = client.post(action_url(submitted, "qualify"))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_another_department_gets_404_for_a_draft(client, outsider_it_lead, department, cycle):
    open_phases(cycle, PhaseKind.INTAKE)
    draft = complete_case(department=department, cycle=cycle)
    client.force_login(outsider_it_lead)
    assert client.post(action_url(draft, "submit")).status_code == 404
    draft.refresh_from_db()
    assert draft.state == CaseState.DRAFT


def test_staff_may_not_submit(client, staff, department, cycle):
    open_phases(cycle, PhaseKind.INTAKE)
    draft = complete_case(department=department, cycle=cycle)
    client.force_login(staff)
    assert client.post(action_url(draft, "submit")).status_code == 403
    draft.refresh_from_db()
    assert draft.state == CaseState.DRAFT


def test_unknown_action_is_404(client, secretariat, submitted):
    client.force_login(secretariat)
    assert client.post(action_url(submitted, "explode")).status_code == 404


def test_it_lead_submits_and_a_double_click_gets_a_message(client, it_lead, department, cycle):
    open_phases(cycle, PhaseKind.INTAKE)
    draft = complete_case(department=department, cycle=cycle)
    client.force_login(it_lead)

    first = client.post(action_url(draft, "submit"))
    second = client.post(action_url(draft, "submit"))

    assert first.status_code == 302
    assert first["Location"] == f"/sager/{draft.pk}/"
    assert second.status_code == 200
    assert "Sagen er allerede indsendt." in second.content.decode()
    assert CaseTransition.objects.filter(case=draft).count() == 1


def test_submitting_an_incomplete_case_shows_what_is_missing(client, it_lead, department, cycle):
    open_phases(cycle, PhaseKind.INTAKE)
    draft = complete_case(department=department, cycle=cycle, solution="")
    client.force_login(it_lead)
    response = client.post(action_url(draft, "submit"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "alert-error" in content
    assert "Beskriv løsningen." in content
    draft.refresh_from_db()
    assert draft.state == CaseState.DRAFT


def test_withdraw_asks_for_confirmation_first(client, it_lead, department, cycle):
    open_phases(cycle, PhaseKind.INTAKE)
    draft = complete_case(department=department, cycle=cycle)
    client.force_login(it_lead)
    page = client.get(action_url(draft, "withdraw"))
    assert page.status_code == 200
    draft.refresh_from_db()
    assert draft.state == CaseState.DRAFT
    client.post(action_url(draft, "withdraw"), {"comment": "Dækkes af fælles løsning"})
    draft.refresh_from_db()
    assert draft.state == CaseState.WITHDRAWN


def test_next_to_another_site_is_ignored(client, secretariat, submitted, cycle):
    open_phases(cycle, PhaseKind.QUALIFICATION)
    client.force_login(secretariat)
    response = client.post(action_url(submitted, "qualify"), {"next": "https://evil.example/"})
    assert response["Location"] == f"/sager/{submitted.pk}/"


# What the case page shows


def test_buttons_follow_role_state_and_phase(department, cycle, it_lead, staff, secretariat):
    draft = complete_case(department=department, cycle=cycle)
    open_phases(cycle, PhaseKind.INTAKE)
    assert [a.name for a in available_actions(it_lead, draft)] == ["submit", "withdraw"]
    assert available_actions(staff, draft) == []
    assert available_actions(secretariat, draft) == []

    open_phases(cycle, PhaseKind.QUALIFICATION)
    assert available_actions(it_lead, draft) == []

    submitted = case_in(CaseState.SUBMITTED, department=department, cycle=cycle)
    actions = {a.name: a for a in available_actions(secretariat, submitted)}
    assert set(actions) == {"qualify", "return"}
    assert actions["return"].needs_form and not actions["qualify"].needs_form

    open_phases(cycle)
    actions = {a.name: a for a in available_actions(secretariat, submitted)}
    assert actions["qualify"].needs_override and actions["qualify"].needs_form


def test_the_action_partial_renders_buttons(client, it_lead, department, cycle):
    from django.template.loader import render_to_string

    open_phases(cycle, PhaseKind.INTAKE)
    draft = complete_case(department=department, cycle=cycle)
    html = render_to_string(
        "governance/partials/_case_workflow_actions.html",
        {"workflow_actions": available_actions(it_lead, draft)},
    )
    assert f'action="{action_url(draft, "submit")}"' in html
    assert f'href="{action_url(draft, "withdraw")}"' in html


def test_the_return_comment_is_shown_while_the_case_is_returned(
    submitted, secretariat, it_lead, cycle
):
    from django.template.loader import render_to_string

    open_phases(cycle, PhaseKind.QUALIFICATION)
    workflow.case_return(actor=secretariat, case_pk=submitted.pk, comment="Mangler risici")
    submitted.refresh_from_db()
    context = case_workflow_context(it_lead, submitted)
    html = render_to_string("governance/partials/_return_notice.html", context)
    assert "Mangler risici" in html

    workflow.case_submit(actor=it_lead, case_pk=submitted.pk)
    submitted.refresh_from_db()
    assert latest_return(submitted) is None


def test_the_case_page_gets_the_workflow_context_without_importing_governance(
    department, cycle, it_lead
):
    from portfolio.case_page import case_page_context

    open_phases(cycle, PhaseKind.INTAKE)
    draft = complete_case(department=department, cycle=cycle)
    context = case_page_context(it_lead, draft)
    assert [a.name for a in context["workflow_actions"]] == ["submit", "withdraw"]
    assert context["return_transition"] is None
    assert context["assessment"] is None
    assert context["decisions"] == []
