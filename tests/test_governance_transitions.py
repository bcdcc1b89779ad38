"""Every transition service: allowed and refused by role, department and phase."""

import pytest

from governance.models import CaseTransition, PhaseKind
from governance.services import workflow
from governance.services.workflow import TransitionError
from portfolio import permissions
from portfolio.models import CaseState

from .governance_helpers import case_in, complete_case, open_phases, use_fast_password_hasher


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    use_fast_password_hasher(settings)


@pytest.fixture
def draft(department, cycle, staff):
    return complete_case(department=department, cycle=cycle, created_by=staff)


def state_of(case):
    case.refresh_from_db()
    return case.state


# Submit


def test_it_lead_submits_a_complete_draft_during_intake(draft, it_lead, cycle):
    open_phases(cycle, PhaseKind.INTAKE)
    version = draft.version

    record = workflow.case_submit(actor=it_lead, case_pk=draft.pk, comment="Klar")

    draft.refresh_from_db()
    assert draft.state == CaseState.SUBMITTED
    assert draft.version == version + 1
    assert (record.from_state, record.to_state, record.actor, record.comment) == (
        CaseState.DRAFT, CaseState.SUBMITTED, it_lead, "Klar"
    )
    assert record.phase_override_reason == ""
    latest = draft.history.first()
    assert latest.history_user == it_lead
    assert latest.history_change_reason


def test_submit_writes_exactly_one_transition_record(draft, it_lead, cycle):
    open_phases(cycle, PhaseKind.INTAKE)
    workflow.case_submit(actor=it_lead, case_pk=draft.pk)
    assert list(CaseTransition.objects.filter(case=draft).values_list("to_state", flat=True)) == [
        CaseState.SUBMITTED
    ]


@pytest.mark.parametrize("who", ["staff", "outsider_it_lead", "director", "secretariat"])
def test_only_the_owning_it_lead_submits(draft, cycle, who, request):
    open_phases(cycle, PhaseKind.INTAKE)
    user = request.getfixturevalue(who)
    with pytest.raises(TransitionError):
        workflow.case_submit(actor=user, case_pk=draft.pk)
    assert state_of(draft) == CaseState.DRAFT
    assert not CaseTransition.objects.exists()


def test_it_lead_cannot_submit_outside_intake(draft, it_lead, cycle):
    open_phases(cycle, PhaseKind.QUALIFICATION)
    with pytest.raises(TransitionError) as refused:
        workflow.case_submit(actor=it_lead, case_pk=draft.pk, override_reason="Jeg vil")
    assert "fase" in refused.value.message.lower() or "phase" in refused.value.message.lower()
    assert state_of(draft) == CaseState.DRAFT
    assert not CaseTransition.objects.exists()


def test_incomplete_case_is_refused_with_its_problems(department, cycle, it_lead):
    open_phases(cycle, PhaseKind.INTAKE)
    case = case_in(CaseState.DRAFT, department=department, cycle=cycle, created_by=it_lead)
    case.risk_text = ""
    case.save()
    case.economy_lines.all().delete()

    with pytest.raises(TransitionError) as refused:
        workflow.case_submit(actor=it_lead, case_pk=case.pk)

    assert set(refused.value.problems) == {"risk_text", "economy"}
    assert state_of(case) == CaseState.DRAFT
    assert not CaseTransition.objects.exists()


def test_repeated_submit_does_not_submit_twice(draft, it_lead, cycle):
    open_phases(cycle, PhaseKind.INTAKE)
    workflow.case_submit(actor=it_lead, case_pk=draft.pk)
    with pytest.raises(TransitionError) as refused:
        workflow.case_submit(actor=it_lead, case_pk=draft.pk)
    assert refused.value.message == "Sagen er allerede indsendt."
    assert CaseTransition.objects.filter(case=draft).count() == 1


# Withdraw


@pytest.mark.parametrize("state", [CaseState.DRAFT, CaseState.SUBMITTED, CaseState.RETURNED])
def test_it_lead_withdraws_before_qualification(state, department, cycle, it_lead):
    open_phases(cycle, PhaseKind.INTAKE)
    case = case_in(state, department=department, cycle=cycle)
    workflow.case_withdraw(actor=it_lead, case_pk=case.pk)
    assert state_of(case) == CaseState.WITHDRAWN


def test_a_qualified_case_cannot_be_withdrawn(department, cycle, it_lead):
    open_phases(cycle, PhaseKind.INTAKE)
    case = case_in(CaseState.QUALIFIED, department=department, cycle=cycle)
    with pytest.raises(TransitionError):
        workflow.case_withdraw(actor=it_lead, case_pk=case.pk)
    assert state_of(case) == CaseState.QUALIFIED


def test_staff_cannot_withdraw(draft, staff, cycle):
    open_phases(cycle, PhaseKind.INTAKE)
    with pytest.raises(TransitionError):
        workflow.case_withdraw(actor=staff, case_pk=draft.pk)
    assert state_of(draft) == CaseState.DRAFT


def test_withdraw_outside_intake_is_refused(draft, it_lead, cycle):
    open_phases(cycle, PhaseKind.BUDGET_NEGOTIATIONS)
    with pytest.raises(TransitionError):
        workflow.case_withdraw(actor=it_lead, case_pk=draft.pk)
    assert state_of(draft) == CaseState.DRAFT


# Qualify and return


@pytest.fixture
def submitted(department, cycle, it_lead):
    return case_in(CaseState.SUBMITTED, department=department, cycle=cycle, submitted_by=it_lead)


def test_secretariat_qualifies_during_qualification(submitted, secretariat, cycle):
    open_phases(cycle, PhaseKind.QUALIFICATION)
    record = workflow.case_qualify(actor=secretariat, case_pk=submitted.pk)
    assert state_of(submitted) == CaseState.QUALIFIED
    assert record.actor == secretariat


@pytest.mark.parametrize("who", ["it_lead", "director", "committee_reader"])
def test_only_the_secretariat_qualifies(submitted, cycle, who, request):
    open_phases(cycle, PhaseKind.QUALIFICATION)
    with pytest.raises(TransitionError):
        workflow.case_qualify(actor=request.getfixturevalue(who), case_pk=submitted.pk)
    assert state_of(submitted) == CaseState.SUBMITTED


def test_qualifying_outside_the_phase_needs_a_reason(submitted, secretariat, cycle):
    open_phases(cycle, PhaseKind.INTAKE)
    with pytest.raises(TransitionError) as refused:
        workflow.case_qualify(actor=secretariat, case_pk=submitted.pk)
    assert "begrundelse" in refused.value.message
    assert state_of(submitted) == CaseState.SUBMITTED

    record = workflow.case_qualify(
        actor=secretariat, case_pk=submitted.pk, override_reason="Fristen blev forlænget"
    )
    assert state_of(submitted) == CaseState.QUALIFIED
    assert record.phase_override_reason == "Fristen blev forlænget"


def test_secretariat_returns_with_a_comment(submitted, secretariat, staff, cycle):
    open_phases(cycle, PhaseKind.QUALIFICATION)
    record = workflow.case_return(
        actor=secretariat, case_pk=submitted.pk, comment="Økonomien mangler gevinster."
    )
    assert state_of(submitted) == CaseState.RETURNED
    assert record.comment == "Økonomien mangler gevinster."
    # The department can edit the returned case again.
    assert permissions.can_edit_case(staff, submitted)


@pytest.mark.parametrize("comment", ["", "   "])
def test_a_return_without_comment_is_refused(submitted, secretariat, cycle, comment):
    open_phases(cycle, PhaseKind.QUALIFICATION)
    with pytest.raises(TransitionError):
        workflow.case_return(actor=secretariat, case_pk=submitted.pk, comment=comment)
    assert state_of(submitted) == CaseState.SUBMITTED
    assert CaseTransition.objects.filter(to_state=CaseState.RETURNED).count() == 0


def test_directors_cannot_return(submitted, director, cycle):
    open_phases(cycle, PhaseKind.QUALIFICATION)
    with pytest.raises(TransitionError):
        workflow.case_return(actor=director, case_pk=submitted.pk, comment="Nej")
    assert state_of(submitted) == CaseState.SUBMITTED


def test_returned_case_can_be_resubmitted_while_qualification_runs(
    submitted, secretariat, it_lead, cycle
):
    open_phases(cycle, PhaseKind.QUALIFICATION)
    workflow.case_return(actor=secretariat, case_pk=submitted.pk, comment="Ret risici")
    workflow.case_submit(actor=it_lead, case_pk=submitted.pk)
    assert state_of(submitted) == CaseState.SUBMITTED
    assert list(
        CaseTransition.objects.filter(case=submitted).values_list("to_state", flat=True)
    ) == [CaseState.SUBMITTED, CaseState.RETURNED, CaseState.SUBMITTED]


def test_only_the_secretariat_can_act_outside_a_phase_even_with_a_reason(draft, it_lead, cycle):
    open_phases(cycle)
    with pytest.raises(TransitionError):
        workflow.case_submit(actor=it_lead, case_pk=draft.pk, override_reason="Travlt")
    assert state_of(draft) == CaseState.DRAFT


# Forward (the bulk forwarding and decisions are in test_governance_decisions)


def test_forward_requires_a_committee_phase(department, cycle, secretariat):
    from governance.services.decisions import meeting_create

    case = case_in(CaseState.PRIORITISED, department=department, cycle=cycle)
    meeting = meeting_create(
        actor=secretariat, cycle=cycle, held_on=cycle.phases.first().starts_on, title="Budget"
    )
    open_phases(cycle, PhaseKind.QUALIFICATION)
    with pytest.raises(TransitionError):
        workflow.cases_forward(actor=secretariat, case_pks=[case.pk], meeting=meeting)
    assert state_of(case) == CaseState.PRIORITISED

    open_phases(cycle, PhaseKind.TRANSFER_CASE)
    workflow.cases_forward(actor=secretariat, case_pks=[case.pk], meeting=meeting)
    assert state_of(case) == CaseState.FORWARDED


# Start and complete: any time, by the owning IT lead or the secretariat


@pytest.mark.parametrize("who", ["it_lead", "secretariat"])
def test_an_approved_case_starts_and_completes(department, cycle, who, request):
    open_phases(cycle)
    user = request.getfixturevalue(who)
    case = case_in(CaseState.APPROVED, department=department, cycle=cycle)
    workflow.case_start(actor=user, case_pk=case.pk)
    assert state_of(case) == CaseState.IN_PROGRESS
    workflow.case_complete(actor=user, case_pk=case.pk)
    assert state_of(case) == CaseState.COMPLETED


@pytest.mark.parametrize("who", ["staff", "outsider_it_lead", "director", "committee_reader"])
def test_others_cannot_start_or_complete(department, cycle, who, request):
    user = request.getfixturevalue(who)
    approved = case_in(CaseState.APPROVED, department=department, cycle=cycle)
    running = case_in(CaseState.IN_PROGRESS, department=department, cycle=cycle)
    with pytest.raises(TransitionError):
        workflow.case_start(actor=user, case_pk=approved.pk)
    with pytest.raises(TransitionError):
        workflow.case_complete(actor=user, case_pk=running.pk)
    assert state_of(approved) == CaseState.APPROVED
    assert state_of(running) == CaseState.IN_PROGRESS


def test_a_case_cannot_skip_a_state(draft, secretariat, cycle):
    open_phases(cycle, PhaseKind.QUALIFICATION)
    with pytest.raises(TransitionError) as refused:
        workflow.case_qualify(actor=secretariat, case_pk=draft.pk)
    assert "kladde" in refused.value.message.lower()
    assert state_of(draft) == CaseState.DRAFT
