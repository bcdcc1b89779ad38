"""The services check an economy line in Python as ``full_clean`` checks it in the
database: every rule, with the same Danish messages, on the cell of the case form."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio.economy import cell_name
from portfolio.models import ECONOMY_LINE_CEILING, CaseEconomyLine, EconomyKind, Styringsomraade
from portfolio.services import CaseData, _check_economy_line, case_create, case_update

from .factories import InvestmentCaseFactory

pytestmark = pytest.mark.django_db

AMOUNTS = (-ECONOMY_LINE_CEILING - 1, -5, 0, 5, ECONOMY_LINE_CEILING + 1, None)


def messages_of(check) -> list[str]:
    try:
        check()
    except ValidationError as error:
        return error.messages
    return []


def test_every_rule_of_full_clean_holds_with_its_message(cycle, department, staff):
    case = InvestmentCaseFactory(cycle=cycle, department=department, created_by=staff)
    refused = 0
    for kind in EconomyKind:
        for area in Styringsomraade:
            for year in (2027, None):
                for amount in AMOUNTS:
                    line = CaseEconomyLine(case=case, kind=kind, year=year,
                                           styringsomraade=area, amount=amount)
                    expected = messages_of(line.full_clean)
                    line = CaseEconomyLine(case=case, kind=kind, year=year,
                                           styringsomraade=area, amount=amount)
                    with CaptureQueriesContext(connection) as queries:
                        got = messages_of(
                            lambda line=line: _check_economy_line(line, "the_cell")
                        )
                    assert got == expected, (kind, area, year, amount)
                    assert len(queries) == 0
                    refused += bool(expected)
    # The combinations did reach every rule: sign, anlæg, ceiling, empty.
    assert refused > 60


def test_a_refused_line_names_its_cell_and_nothing_is_written(cycle, department, staff):
    case = InvestmentCaseFactory(cycle=cycle, department=department, created_by=staff)
    data = CaseData(economy={
        (EconomyKind.INVESTMENT, 2027): 100,
        (EconomyKind.OPERATING, 2028, Styringsomraade.ANLAEG): 100,
    })
    with pytest.raises(ValidationError) as refused:
        case_update(actor=staff, case_pk=case.pk, expected_version=case.version, data=data)
    assert refused.value.message_dict == {
        cell_name(EconomyKind.OPERATING, 2028, Styringsomraade.ANLAEG): [
            "Kun investering og engangsudgifter ved genudbud kan være anlæg."
        ]
    }
    assert not CaseEconomyLine.objects.filter(case=case).exists()


def test_a_case_edit_creates_changes_and_deletes_lines_with_history(cycle, staff):
    case = case_create(actor=staff, cycle=cycle, data=CaseData(
        fields={"title": "Ny sag"},
        economy={(EconomyKind.INVESTMENT, 2027): 100, (EconomyKind.GAIN, None): -50,
                 (EconomyKind.OPERATING, 2028): None},
    ))
    assert {(line.kind, line.year): line.amount for line in case.economy_lines.all()} == {
        ("investment", 2027): 100, ("gain", None): -50,
    }
    case = case_update(actor=staff, case_pk=case.pk, expected_version=1, data=CaseData(
        economy={(EconomyKind.INVESTMENT, 2027): 200, (EconomyKind.GAIN, None): None,
                 (EconomyKind.OPERATING, 2028): 30, (EconomyKind.RETENDER, 2029): None},
    ))
    assert {(line.kind, line.year): line.amount for line in case.economy_lines.all()} == {
        ("investment", 2027): 200, ("operating", 2028): 30,
    }
    records = CaseEconomyLine.history.filter(case_id=case.pk).order_by("history_id")
    assert [(r.history_type, r.kind, r.amount, r.history_user_id, r.history_change_reason)
            for r in records] == [
        ("+", "investment", 100, staff.pk, "Sagen er oprettet"),
        ("+", "gain", -50, staff.pk, "Sagen er oprettet"),
        ("-", "gain", -50, staff.pk, "Sagen er redigeret"),
        ("+", "operating", 30, staff.pk, "Sagen er redigeret"),
        ("~", "investment", 200, staff.pk, "Sagen er redigeret"),
    ]
    # Each version's lines come after the version's own record.
    second = case.history.get(version=2).history_date
    assert all(r.history_date >= second for r in records if r.history_change_reason
               == "Sagen er redigeret")
