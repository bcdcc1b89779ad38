"""Deferred cases join the next cycle's intake, keeping their history."""

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.urls import reverse

from governance.models import BudgetCycle, CaseTransition, Notification
from governance.services.cycles import CycleError, case_carry_over, cycle_create_next
from portfolio import permissions
from portfolio.models import CaseState, InvestmentCase

from .factories import BudgetCycleFactory, CaseEconomyLineFactory, InvestmentCaseFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The factories give every user a password; the default hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def deferred(cycle, department, staff):
    case = InvestmentCaseFactory(
        cycle=cycle, department=department, created_by=staff, title="Fælles booking"
    )
    CaseEconomyLineFactory(case=case, year=2027, amount=2_500_000)
    # The ØU decision, as the workflow would record it (a second history row).
    case.state = CaseState.DEFERRED
    case.save()
    return case


def state_of(case):
    case.refresh_from_db()
    return case.state, case.cycle.budget_year


def test_creating_the_next_cycle_carries_deferred_cases_into_its_intake(
    secretariat, cycle, deferred
):
    history_before = deferred.history.count()
    version_before = deferred.version

    new, carried = cycle_create_next(actor=secretariat)

    assert carried == [deferred]
    deferred.refresh_from_db()
    assert deferred.state == CaseState.DRAFT
    assert deferred.cycle == new
    assert deferred.carried_over_from == cycle
    assert deferred.price_year == 2027  # the amounts stay in the level they were entered in
    assert deferred.version == version_before + 1
    assert list(deferred.economy_lines.values_list("year", "amount")) == [(2027, 2_500_000)]
    # The history grows by one row and still holds the case as it was in Budget 2027.
    assert deferred.history.count() == history_before + 1
    latest = deferred.history.first()
    assert latest.history_change_reason == "Overført fra Budget 2027 til Budget 2028"
    assert latest.history_user == secretariat
    assert deferred.history.filter(cycle=cycle, state=CaseState.DEFERRED).exists()
    transition = CaseTransition.objects.get(case=deferred)
    assert (transition.from_state, transition.to_state) == (CaseState.DEFERRED, CaseState.DRAFT)
    assert transition.actor == secretariat
    assert transition.comment == "Overført fra Budget 2027 til Budget 2028"


def test_cases_in_other_states_stay_in_their_cycle(secretariat, cycle, department, deferred):
    others = {
        state: InvestmentCaseFactory(cycle=cycle, department=department, state=state)
        for state in CaseState
        if state != CaseState.DEFERRED
    }
    cycle_create_next(actor=secretariat)
    for state, case in others.items():
        assert state_of(case) == (state, 2027)
        assert case.carried_over_from is None
    assert not CaseTransition.objects.exclude(case=deferred).exists()


def test_only_the_previous_cycles_deferred_cases_move(secretariat, department):
    older = BudgetCycleFactory(budget_year=2026)
    previous = BudgetCycleFactory(budget_year=2027)
    old_case = InvestmentCaseFactory(cycle=older, department=department, state=CaseState.DEFERRED)
    case = InvestmentCaseFactory(cycle=previous, department=department, state=CaseState.DEFERRED)
    cycle_create_next(actor=secretariat)
    assert state_of(case) == (CaseState.DRAFT, 2028)
    assert state_of(old_case) == (CaseState.DEFERRED, 2026)


def test_if_one_case_cannot_move_nothing_moves(secretariat, cycle, department, deferred):
    # A case whose data no longer passes validation (no title) stops the carry-over.
    broken = InvestmentCaseFactory(
        cycle=cycle, department=department, state=CaseState.DEFERRED, title=""
    )
    history_before = deferred.history.count()
    with pytest.raises(CycleError, match="kunne ikke overføres"):
        cycle_create_next(actor=secretariat)
    assert not BudgetCycle.objects.filter(budget_year=2028).exists()
    assert state_of(deferred) == (CaseState.DEFERRED, 2027)
    assert state_of(broken) == (CaseState.DEFERRED, 2027)
    assert deferred.history.count() == history_before
    assert not CaseTransition.objects.exists()


def test_the_create_page_refuses_with_a_message_when_a_case_cannot_move(
    client, secretariat, cycle, department, deferred
):
    InvestmentCaseFactory(cycle=cycle, department=department, state=CaseState.DEFERRED, title="")
    client.force_login(secretariat)
    page = client.get(reverse("governance:cycle-create")).content.decode()
    assert "Fælles booking" in page
    response = client.post(reverse("governance:cycle-create"), {"budget_year": "2028"})
    assert response.status_code == 409
    assert "kunne ikke overføres" in response.content.decode()
    assert BudgetCycle.objects.count() == 1


def test_the_carried_case_is_a_draft_its_department_edits_again(
    secretariat, staff, outsider, cycle, deferred
):
    cycle_create_next(actor=secretariat)
    deferred.refresh_from_db()
    assert permissions.can_edit_case(staff, deferred)
    assert not InvestmentCase.objects.visible_to(outsider).filter(pk=deferred.pk).exists()


def test_a_not_recommended_case_can_be_carried_over_by_the_same_rule(
    secretariat, cycle, department
):
    case = InvestmentCaseFactory(
        cycle=cycle, department=department, state=CaseState.NOT_RECOMMENDED
    )
    later = BudgetCycleFactory(budget_year=2028)
    case_carry_over(actor=secretariat, case=case, to_cycle=later)
    assert state_of(case) == (CaseState.DRAFT, 2028)
    assert CaseTransition.objects.get(case=case).from_state == CaseState.NOT_RECOMMENDED


@pytest.mark.parametrize("state", [CaseState.APPROVED, CaseState.REJECTED, CaseState.DRAFT])
def test_other_states_are_refused(secretariat, cycle, department, state):
    case = InvestmentCaseFactory(cycle=cycle, department=department, state=state)
    later = BudgetCycleFactory(budget_year=2028)
    with pytest.raises(CycleError, match="kan ikke overføres"):
        case_carry_over(actor=secretariat, case=case, to_cycle=later)
    assert state_of(case) == (state, 2027)
    assert not CaseTransition.objects.exists()


def test_a_case_only_moves_to_a_later_cycle(secretariat, cycle, deferred):
    with pytest.raises(CycleError):
        case_carry_over(actor=secretariat, case=deferred, to_cycle=cycle)
    assert state_of(deferred) == (CaseState.DEFERRED, 2027)


@pytest.mark.parametrize("role", ["staff", "it_lead", "director"])
def test_only_the_secretariat_carries_cases_over(request, role, cycle, deferred):
    later = BudgetCycleFactory(budget_year=2028)
    with pytest.raises(CycleError):
        case_carry_over(actor=request.getfixturevalue(role), case=deferred, to_cycle=later)
    with pytest.raises(PermissionDenied):
        cycle_create_next(actor=request.getfixturevalue(role))
    assert state_of(deferred) == (CaseState.DEFERRED, 2027)


def test_a_case_deferred_after_the_cycle_was_created_is_carried_over_from_the_cycle_page(
    client, secretariat, staff, cycle, department
):
    later = BudgetCycleFactory(budget_year=2028)
    late = InvestmentCaseFactory(cycle=cycle, department=department, state=CaseState.DEFERRED)
    url = reverse("governance:cycle-carry-over", args=[2028])

    client.force_login(staff)
    assert client.post(url).status_code == 403
    assert state_of(late) == (CaseState.DEFERRED, 2027)

    client.force_login(secretariat)
    page = client.get(reverse("governance:cycle-detail", args=[2028])).content.decode()
    assert "Budget 2027 har 1 udskudt sag, der ikke er overført" in page
    response = client.post(url, follow=True)
    assert state_of(late) == (CaseState.DRAFT, 2028)
    assert late.carried_over_from == cycle
    assert later.cases.count() == 1
    assert "1 udskudt sag er overført til indhentningen." in [
        str(m) for m in response.context["messages"]
    ]


def test_the_case_page_partial_says_where_the_case_came_from(secretariat, cycle, deferred):
    partial = "governance/partials/_carried_over.html"
    assert render_to_string(partial, {"case": deferred}).strip() == ""
    cycle_create_next(actor=secretariat)
    deferred.refresh_from_db()
    html = render_to_string(partial, {"case": deferred})
    assert "Overført fra Budget 2027" in html


def test_carrying_over_tells_the_department_to_update_the_economy(
    secretariat, cycle, deferred, staff, it_lead, outsider
):
    later = BudgetCycleFactory(budget_year=2028)

    case_carry_over(actor=secretariat, case=deferred, to_cycle=later)

    notes = Notification.objects.filter(case=deferred, subject__icontains="Fælles booking")
    assert sorted(n.recipient.username for n in notes) == sorted([staff.username, it_lead.username])
    note = notes.first()
    assert "Budget 2028" in note.body
    assert "2028–2031" in note.body
    # In the app: the short message, without greeting or address.
    assert "2028–2031" in note.message
    assert "http" not in note.message
    assert not Notification.objects.filter(recipient=outsider).exists()
