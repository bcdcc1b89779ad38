"""Investment and re-tendering split into service and anlæg on the case form and page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portfolio.economy import EconomyTable
from portfolio.models import CaseEconomyLine, EconomyKind, Styringsomraade

from .factories import CaseEconomyLineFactory, InvestmentCaseFactory

pytestmark = pytest.mark.django_db


def test_the_table_splits_investment_into_service_and_anlaeg():
    table = EconomyTable(
        [2027],
        [("investment", 2027, 300, "service"), ("investment", 2027, 700, "anlaeg"),
         ("gain", 2027, -100)],
    )
    rows = {(row.kind, row.area): row for row in table.rows}
    assert rows[("investment", "service")].cells[0] == 300
    assert rows[("investment", "anlaeg")].cells[0] == 700
    assert table.row_total("investment") == 1000
    assert table.column_total(2027) == 900


def test_only_investment_and_retendering_can_be_anlaeg(cycle, department):
    case = InvestmentCaseFactory(cycle=cycle, department=department)
    line = CaseEconomyLine(case=case, kind=EconomyKind.OPERATING, year=2027, amount=1,
                           styringsomraade=Styringsomraade.ANLAEG)
    with pytest.raises(ValidationError):
        line.full_clean()


def test_the_case_page_shows_the_split_rows(client, cycle, department, staff):
    case = InvestmentCaseFactory(cycle=cycle, department=department)
    CaseEconomyLineFactory(case=case, amount=1_000_000)
    CaseEconomyLineFactory(case=case, amount=2_000_000, styringsomraade=Styringsomraade.ANLAEG)
    client.force_login(staff)
    body = client.get(reverse("portfolio:case-detail", args=[case.pk])).content.decode()
    assert "Investering – service" in body and "Investering – anlæg" in body


def test_the_case_form_saves_an_anlaeg_cell(client, cycle, department, staff):
    case = InvestmentCaseFactory(cycle=cycle, department=department, title="Sag")
    client.force_login(staff)
    url = reverse("portfolio:case-edit", args=[case.pk])
    page = client.get(url)
    body = page.content.decode()
    assert 'name="eco-investment-anlaeg_2027"' in body
    assert 'name="eco-investment_2027"' in body
    response = client.post(url, {
        "version": case.version, "title": "Sag", "scope": "department",
        "case_type": "digital_solution", "green_requirements": "False",
        "action": "save:oekonomi",
        "eco-investment_2027": "300.000", "eco-investment-anlaeg_2027": "700.000",
        "eco-retender-anlaeg_2028": "50.000",
    })
    assert response.status_code == 302
    lines = {
        (line.kind, line.year, line.styringsomraade): line.amount
        for line in CaseEconomyLine.objects.filter(case=case)
    }
    assert lines == {
        ("investment", 2027, "service"): 300_000,
        ("investment", 2027, "anlaeg"): 700_000,
        ("retender", 2028, "anlaeg"): 50_000,
    }
    again = client.get(url).content.decode()
    assert 'value="700.000"' in again
