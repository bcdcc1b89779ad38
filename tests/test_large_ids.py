"""Ids past 999 stay plain numbers in HTML ids, form values and links.

With Danish number formatting, a case numbered 1243 must never appear as
"1.243" in an element id or a form value (PostgreSQL's sequences pass 1.000
long before a municipality runs out of cases).
"""

import pytest
from django.urls import reverse

from governance.models import Phase, PhaseKind
from portfolio.models import CaseState, InvestmentCase

from .factories import InvestmentCaseFactory


@pytest.fixture
def big_case(cycle, department):
    case = InvestmentCaseFactory(
        pk=12345, cycle=cycle, department=department, state=CaseState.QUALIFIED
    )
    assert InvestmentCase.objects.filter(pk=12345).exists()
    return case


@pytest.mark.django_db
def test_the_prioritisation_page_names_a_large_case_id_without_separators(
    client, director, big_case, cycle
):
    phase = Phase.objects.get(cycle=cycle, kind=PhaseKind.PRIORITISATION)
    client.force_login(director)
    html = client.get(reverse("governance:prioritisation") + f"?cycle={cycle.pk}").content.decode()
    assert phase.cycle_id == cycle.pk
    assert "case-12345" in html and "position-12345" in html
    assert "12.345" not in html


@pytest.mark.django_db
def test_the_case_form_and_list_use_plain_ids(client, staff, big_case, department):
    big_case.state = CaseState.DRAFT
    big_case.save()
    client.force_login(staff)
    for url in (
        reverse("portfolio:case-list"),
        reverse("portfolio:case-detail", args=[big_case.pk]),
        reverse("portfolio:case-edit", args=[big_case.pk]),
    ):
        html = client.get(url).content.decode()
        assert "12345" in html
        assert "12.345" not in html
