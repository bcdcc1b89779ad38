"""An economy line has a documented ceiling (10 mia. kr.), and whatever the
database refuses lands on the cell that caused it."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portfolio import models
from portfolio.models import ECONOMY_LINE_CEILING, CaseEconomyLine, EconomyKind
from portfolio.services import CaseData, case_update

from .factories import InvestmentCaseFactory


@pytest.fixture
def draft(cycle, department, staff):
    return InvestmentCaseFactory(
        cycle=cycle, department=department, created_by=staff, title="Ny jobportal"
    )


def post(client, case, **cells):
    return client.post(
        reverse("portfolio:case-edit", args=[case.pk]),
        {
            "version": case.version,
            "title": "Ny jobportal",
            "scope": "department",
            "case_type": "digital_solution",
            "green_requirements": "False",
            "action": "save:oekonomi",
            **cells,
        },
    )


def test_the_ceiling_is_ten_billion_kroner_a_line():
    assert ECONOMY_LINE_CEILING == 10_000_000_000


def test_an_amount_above_the_ceiling_is_refused_on_its_cell_and_kept(client, draft, staff):
    client.force_login(staff)
    response = post(client, draft, **{"eco-investment_2028": "999.999.999.999"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_eco-investment_2028-error"' in html
    assert "10.000.000.000 kr." in html
    assert 'value="999.999.999.999"' in html
    assert not CaseEconomyLine.objects.filter(case=draft).exists()


def test_the_ceiling_itself_is_accepted(client, draft, staff):
    client.force_login(staff)
    assert post(client, draft, **{"eco-gain_varig": "10.000.000.000"}).status_code == 302
    assert CaseEconomyLine.objects.get(case=draft).amount == -ECONOMY_LINE_CEILING


def test_the_service_names_the_cell_it_refuses(draft, staff):
    data = CaseData(fields={}, economy={(EconomyKind.OPERATING, 2029): ECONOMY_LINE_CEILING + 1})
    with pytest.raises(ValidationError) as refused:
        case_update(actor=staff, case_pk=draft.pk, expected_version=draft.version, data=data)
    assert list(refused.value.message_dict) == ["operating_2029"]
    draft.refresh_from_db()
    assert draft.version == 1


def test_the_databases_limit_lands_on_the_cell(client, draft, staff, monkeypatch):
    # Lift the ceiling to reach the database's own limit (a 64-bit integer).
    monkeypatch.setattr(models, "ECONOMY_LINE_CEILING", 10**30)
    monkeypatch.setattr("portfolio.forms.ECONOMY_LINE_CEILING", 10**30)
    client.force_login(staff)
    response = post(client, draft, **{"eco-investment_2029": str(2**63)})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_eco-investment_2029-error"' in html
    # The database's own limit, as Django states it, next to the cell.
    error = re.search(r'id="id_eco-investment_2029-error">(.*?)</span>\s*<input', html, re.S)
    assert "9223372036854775807" in error.group(1)
    assert not CaseEconomyLine.objects.filter(case=draft).exists()


def test_an_overflow_the_database_raises_lands_on_the_cell(draft, staff, monkeypatch):
    # Should an amount pass every check, the database's refusal still names the cell.
    monkeypatch.setattr(CaseEconomyLine, "full_clean", lambda self, **kwargs: None)
    data = CaseData(fields={}, economy={(EconomyKind.INVESTMENT, 2030): 2**63})
    with pytest.raises(ValidationError) as refused:
        case_update(actor=staff, case_pk=draft.pk, expected_version=draft.version, data=data)
    assert refused.value.message_dict == {
        "investment_2030": ["Databasen kan ikke gemme så stort et beløb."]
    }
    assert not CaseEconomyLine.objects.filter(case=draft).exists()
