"""Visibility follows what was actually submitted, not the name of the state:
a draft withdrawn before it was ever sent on stays the department's own."""

import pytest
from django.urls import reverse

from governance.services.workflow import case_submit, case_withdraw
from portfolio.models import CaseScope, CaseState, InvestmentCase

from .governance_helpers import complete_case, open_phases


@pytest.fixture
def cross_cutting_draft(department, other_department, cycle, staff):
    open_phases(cycle, "intake")
    case = complete_case(department=department, cycle=cycle, created_by=staff,
                         scope=CaseScope.CROSS_CUTTING)
    case.participating_departments.add(other_department)
    return case


def test_a_draft_withdrawn_before_submission_stays_hidden(client, cross_cutting_draft,
                                                          it_lead, director, outsider,
                                                          staff):
    case_withdraw(actor=it_lead, case_pk=cross_cutting_draft.pk)
    case = InvestmentCase.objects.get(pk=cross_cutting_draft.pk)
    assert case.state == CaseState.WITHDRAWN
    for user in (director, outsider):
        assert not InvestmentCase.objects.visible_to(user).filter(pk=case.pk).exists()
        client.force_login(user)
        response = client.get(reverse("portfolio:case-detail", args=[case.pk]))
        assert response.status_code == 404
    assert InvestmentCase.objects.visible_to(staff).filter(pk=case.pk).exists()


def test_a_case_withdrawn_after_submission_stays_visible(cross_cutting_draft, it_lead,
                                                         director, outsider):
    case_submit(actor=it_lead, case_pk=cross_cutting_draft.pk)
    case_withdraw(actor=it_lead, case_pk=cross_cutting_draft.pk)
    for user in (director, outsider):
        assert InvestmentCase.objects.visible_to(user).filter(pk=cross_cutting_draft.pk).exists()


def test_a_submitted_case_is_visible_and_a_draft_is_not(cross_cutting_draft, it_lead,
                                                        director, outsider):
    for user in (director, outsider):
        assert not InvestmentCase.objects.visible_to(user).filter(
            pk=cross_cutting_draft.pk).exists()
    case_submit(actor=it_lead, case_pk=cross_cutting_draft.pk)
    for user in (director, outsider):
        assert InvestmentCase.objects.visible_to(user).filter(pk=cross_cutting_draft.pk).exists()
