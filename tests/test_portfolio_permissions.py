import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from governance.permissions import can_transition
from portfolio import permissions
from portfolio.models import CaseState, InvestmentCase

from .factories import InvestmentCaseFactory, UserFactory


@pytest.fixture
def draft(department, cycle, staff):
    return InvestmentCaseFactory(department=department, cycle=cycle, created_by=staff)


def visible(user):
    return set(InvestmentCase.objects.visible_to(user))


def test_department_staff_sees_own_drafts(draft, staff, colleague, it_lead):
    assert visible(staff) == {draft}
    assert visible(colleague) == {draft}
    assert visible(it_lead) == {draft}


def test_other_department_never_sees_a_draft(draft, outsider):
    assert visible(outsider) == set()
    with pytest.raises(Http404):
        permissions.get_case_for(outsider, draft.pk)


def test_participating_department_sees_submitted_case_only(draft, other_department, outsider):
    draft.participating_departments.add(other_department)
    assert visible(outsider) == set()
    draft.state = CaseState.SUBMITTED
    draft.save()
    assert visible(outsider) == {draft}


def test_directors_read_submitted_cases_not_drafts(draft, director, cycle, department):
    submitted = InvestmentCaseFactory(
        department=department, cycle=cycle, state=CaseState.SUBMITTED
    )
    assert visible(director) == {submitted}


def test_committee_reader_reads_only_cases_before_the_committee(
    draft, committee_reader, cycle, department
):
    InvestmentCaseFactory(department=department, cycle=cycle, state=CaseState.QUALIFIED)
    forwarded = InvestmentCaseFactory(
        department=department, cycle=cycle, state=CaseState.FORWARDED
    )
    assert visible(committee_reader) == {forwarded}


def test_secretariat_reads_everything(draft, secretariat):
    assert visible(secretariat) == {draft}


def test_user_without_role_sees_nothing(draft, department):
    nobody = UserFactory(username="norole", department=department)
    assert visible(nobody) == set()


def test_inactive_user_sees_nothing(draft, staff):
    staff.is_active = False
    staff.save()
    assert visible(staff) == set()


def test_staff_edits_own_draft_and_returned_but_not_submitted(draft, staff):
    assert permissions.can_edit_case(staff, draft)
    draft.state = CaseState.RETURNED
    assert permissions.can_edit_case(staff, draft)
    draft.state = CaseState.SUBMITTED
    assert not permissions.can_edit_case(staff, draft)


def test_wrong_department_cannot_edit(draft, outsider, secretariat, director):
    for user in (outsider, secretariat, director):
        assert not permissions.can_edit_case(user, draft)


def test_only_own_it_lead_submits_and_withdraws(draft, staff, it_lead, outsider_it_lead):
    assert can_transition(it_lead, draft, "submit")
    assert can_transition(it_lead, draft, "withdraw")
    assert not can_transition(staff, draft, "submit")
    assert not can_transition(staff, draft, "withdraw")
    assert not can_transition(outsider_it_lead, draft, "submit")
    assert not can_transition(outsider_it_lead, draft, "withdraw")


def test_get_case_for_answers_403_to_reader_without_right(draft, staff, director):
    draft.state = CaseState.SUBMITTED
    draft.save()
    assert permissions.get_case_for(director, draft.pk) == draft
    with pytest.raises(PermissionDenied):
        permissions.get_case_for(director, draft.pk, permissions.can_edit_case)
    with pytest.raises(PermissionDenied):
        permissions.get_case_for(staff, draft.pk, permissions.can_edit_case)


def test_refusals_are_logged(client, draft, outsider, caplog):
    # One place logs every refusal (kkdigital.middleware.RefusalLogMiddleware);
    # the helper's exception names the case and the check.
    with pytest.raises(Http404):
        permissions.get_case_for(outsider, draft.pk, permissions.can_edit_case)
    client.force_login(outsider)
    assert client.get(reverse("portfolio:case-edit", args=[draft.pk])).status_code == 404
    assert f"user={outsider.pk}:{outsider.username} " in caplog.text
    assert f"reason=case={draft.pk} check=can_edit_case" in caplog.text


def test_get_case_for_takes_a_check_function_not_an_action_name(draft, staff):
    with pytest.raises(TypeError):
        permissions.get_case_for(staff, draft.pk, "edit")


def test_a_new_draft_lists_what_is_missing_for_submission(draft):
    problems = draft.submission_problems()
    assert "background" in problems
    assert "themes" in problems
    assert "economy" in problems
    assert "title" not in problems


@pytest.mark.parametrize(
    "who",
    ["staff", "it_lead", "outsider", "director", "committee_reader", "secretariat", "inactive"],
)
def test_a_departments_readable_cases_are_visible_to_filtered_to_it(
    who, request, department, other_department, cycle, outsider
):
    # The case list reads a department through visible_in_department; it must answer
    # exactly what visible_to answers for that department, for every role.
    user = request.getfixturevalue("staff" if who == "inactive" else who)
    if who == "inactive":
        user.is_active = False
        user.save()
    for owner in (department, other_department):
        for state in (CaseState.DRAFT, CaseState.SUBMITTED, CaseState.FORWARDED):
            InvestmentCaseFactory(department=owner, cycle=cycle, state=state)
    shared = InvestmentCaseFactory(
        department=other_department, cycle=cycle, state=CaseState.SUBMITTED
    )
    shared.participating_departments.add(department)
    for each in (department, other_department):
        expected = set(InvestmentCase.objects.visible_to(user).filter(department=each))
        assert set(InvestmentCase.objects.visible_in_department(user, each)) == expected
    if who in ("staff", "it_lead"):
        assert len(InvestmentCase.objects.visible_in_department(user, department)) == 3
