"""Property tests (hypothesis) of everything that computes money: loans, p/l, payback."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from financing.loans import annuity_payment, reschedule, schedule
from financing.prices import convert, round_kroner
from portfolio.economy import PAYBACK_HORIZON_YEARS, payback_years

principals = st.integers(min_value=1, max_value=500_000_000)
rates = st.one_of(
    st.just(Decimal("0")),
    st.decimals(min_value=Decimal("0"), max_value=Decimal("10"), places=2),
)
terms = st.integers(min_value=1, max_value=20)


@given(principal=principals, rate=rates, term=terms)
def test_principal_parts_sum_exactly_and_the_balance_never_goes_negative(principal, rate, term):
    rows = schedule(principal, rate, term, 2028)
    assert len(rows) == term
    assert [row.year for row in rows] == list(range(2028, 2028 + term))
    assert sum(row.principal_part for row in rows) == principal
    balance = principal
    for row in rows:
        assert row.principal_part >= 0 and row.interest_part >= 0
        balance -= row.principal_part
        assert balance == row.balance_after >= 0
    assert balance == 0


@given(principal=principals, rate=rates, term=terms)
def test_interest_follows_the_annuity_within_rounding(principal, rate, term):
    rows = schedule(principal, rate, term, 2028)
    r = rate / 100
    balance = principal
    for row in rows:
        # Each year's interest is the outstanding balance at the rate, rounded once.
        assert row.interest_part == round_kroner(Decimal(balance) * r)
        balance -= row.principal_part
    payment = annuity_payment(principal, rate, term)
    for row in rows[:-1]:
        if row.principal_part and row.principal_part < row.balance_after + row.principal_part:
            assert abs(row.total - payment) <= 1
    # Over the whole loan the interest equals the exact annuity's within the
    # rounding carried forward (at most about a krone a year, compounded).
    exact_interest = payment * term - principal
    tolerance = Decimal(term) * (1 + r) ** term + 1
    assert abs(sum(row.interest_part for row in rows) - exact_interest) <= tolerance


@given(
    principal=principals,
    rate=rates,
    term=st.integers(min_value=1, max_value=20),
    data=st.data(),
)
def test_a_moved_instalment_keeps_the_principal(principal, rate, term, data):
    rows = schedule(principal, rate, term, 2028)
    from_year = data.draw(st.sampled_from([row.year for row in rows]))
    to_year = data.draw(st.integers(min_value=2028 + term, max_value=2028 + term + 5))
    moved = reschedule(rows, rate=rate, from_year=from_year, to_year=to_year)
    assert sum(row.principal_part for row in moved) == principal
    assert all(row.balance_after >= 0 for row in moved)
    assert moved[-1].balance_after == 0
    by_year = {row.year: row for row in moved}
    assert by_year[from_year].principal_part == 0
    assert by_year[to_year].moved_from_year == from_year
    assert [row for row in moved if row.year < from_year] == [
        row for row in rows if row.year < from_year
    ]


indices = st.decimals(min_value=Decimal("80"), max_value=Decimal("150"), places=3)


@given(amount=st.integers(min_value=-10**11, max_value=10**11), a=indices, b=indices)
def test_a_price_conversion_there_and_back_stays_within_one_krone(amount, a, b):
    table = {2026: a, 2027: b}
    there = convert(amount, from_year=2026, to_year=2027, indices=table)
    back = convert(there, from_year=2027, to_year=2026, indices=table)
    assert abs(back - amount) <= 1


def test_a_conversion_rounds_half_away_from_zero():
    table = {2026: Decimal("100"), 2027: Decimal("102.5")}
    assert convert(1_000_000, from_year=2026, to_year=2027, indices=table) == 1_025_000
    assert convert(2, from_year=2026, to_year=2027, indices=table) == 2  # 2,05
    assert convert(20, from_year=2026, to_year=2027, indices=table) == 21  # 20,5
    assert convert(-20, from_year=2026, to_year=2027, indices=table) == -21


def brute_force_payback(lines):
    """Year by year from the first investment, the plain way."""
    investment = {}
    gain = {}
    permanent = 0
    years = set()
    for kind, year, amount in lines:
        if year is None:
            if kind in ("gain", "operating"):
                permanent += -amount
            continue
        years.add(year)
        if kind in ("investment", "retender"):
            investment[year] = investment.get(year, 0) + amount
        else:
            gain[year] = gain.get(year, 0) - amount
    invested = sorted(y for y, a in investment.items() if a)
    if not invested:
        return None
    first = invested[0]
    total = sum(investment.get(y, 0) for y in range(first, first + PAYBACK_HORIZON_YEARS))
    covered = 0
    for n in range(1, PAYBACK_HORIZON_YEARS + 1):
        year = first + n - 1
        covered += gain.get(year, 0) if year <= max(years) else permanent
        if covered >= total:
            return n
    return None


line = st.one_of(
    st.tuples(st.just("investment"), st.integers(2027, 2030), st.integers(0, 5_000_000)),
    st.tuples(st.just("retender"), st.integers(2027, 2030), st.integers(0, 2_000_000)),
    st.tuples(st.just("operating"), st.integers(2027, 2030) | st.none(),
              st.integers(0, 500_000)),
    st.tuples(st.just("gain"), st.integers(2027, 2030) | st.none(),
              st.integers(-3_000_000, 0)),
)


@settings(max_examples=300)
@given(lines=st.lists(line, max_size=12))
def test_payback_equals_a_brute_force_count(lines):
    assert payback_years(lines) == brute_force_payback(lines)


def test_payback_worked_example():
    lines = [
        ("investment", 2027, 2_000_000),
        ("gain", 2027, -500_000),
        ("gain", 2028, -1_000_000),
        ("gain", 2029, -1_000_000),
    ]
    assert payback_years(lines) == 3
    assert payback_years([("investment", 2027, 1_000_000)]) is None
