"""The economy table: a case's amounts by kind and year, with its totals."""

from portfolio.economy import EconomyTable
from portfolio.models import EconomyKind

from .factories import CaseEconomyLineFactory, InvestmentCaseFactory

YEARS = [2027, 2028, 2029, 2030]


def table(*lines):
    return EconomyTable(YEARS, lines, price_year=2027)


def test_it_has_the_four_years_and_the_permanent_effect_as_columns():
    assert table().columns == [2027, 2028, 2029, 2030, None]


def test_it_sums_a_row_over_the_years_without_the_permanent_effect():
    t = table(
        ("investment", 2027, 1_000_000),
        ("investment", 2028, 500_000),
        ("investment", None, 9_999),
    )
    assert t.row_total(EconomyKind.INVESTMENT) == 1_500_000
    row = t.rows[0]
    assert row.kind == EconomyKind.INVESTMENT
    assert row.cells == (1_000_000, 500_000, None, None, 9_999)
    assert row.total == 1_500_000


def test_it_nets_gains_against_costs_in_each_column():
    t = table(
        ("investment", 2027, 1_000_000),
        ("operating", 2027, 200_000),
        ("retender", 2027, 50_000),
        ("gain", 2027, -300_000),
        ("gain", 2028, -400_000),
        ("operating", None, 200_000),
        ("gain", None, -400_000),
    )
    assert t.column_total(2027) == 950_000
    assert t.cost_total(2027) == 1_250_000
    assert t.column_total(2028) == -400_000
    assert t.column_total(2029) == 0
    assert t.column_total(None) == -200_000
    assert t.column_totals == [950_000, -400_000, 0, 0, -200_000]
    assert t.net_per_year[None] == -200_000
    assert t.net_total == 550_000


def test_it_keeps_the_rows_in_the_order_of_the_papers():
    # Investment and re-tendering are split into service and anlæg, as KK's tables.
    assert [(row.kind, row.area) for row in table().rows] == [
        ("investment", "service"), ("investment", "anlaeg"), ("operating", "service"),
        ("retender", "service"), ("retender", "anlaeg"), ("gain", "service"),
    ]
    assert table().rows[5].is_gain


def test_it_shows_a_line_outside_the_cycles_years_in_its_own_column():
    t = table(("investment", 2031, 10))
    assert t.years == [2027, 2028, 2029, 2030, 2031]
    assert t.row_total("investment") == 10


def test_an_empty_table_is_empty_and_a_table_with_an_amount_is_not():
    assert table().is_empty
    assert not table(("gain", 2027, -1)).is_empty


def test_it_reads_a_cases_lines(cycle):
    case = InvestmentCaseFactory(cycle=cycle)
    CaseEconomyLineFactory(case=case, kind=EconomyKind.INVESTMENT, year=2027, amount=1_250_000)
    CaseEconomyLineFactory(case=case, kind=EconomyKind.GAIN, year=2029, amount=-250_000)
    t = EconomyTable.for_case(case)
    assert t.price_year == 2027
    assert t.amount(EconomyKind.INVESTMENT, 2027) == 1_250_000
    assert t.amount(EconomyKind.GAIN, 2029) == -250_000
    assert t.amount(EconomyKind.GAIN, 2028) is None
    assert t.net_total == 1_000_000
