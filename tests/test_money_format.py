"""How amounts are written: thousands grouped with a dot, as Danish does."""

from hypothesis import given
from hypothesis import strategies as st

from kkdigital.lib.money import format_kr, format_number, format_thousands


def _grouped(value: int) -> str:
    """An independent grouping: digits taken three at a time from the right."""
    digits = str(abs(value))
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return ("-" if value < 0 else "") + ".".join(groups)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_format_number_groups_thousands_with_a_dot(value):
    assert format_number(value) == _grouped(value)


def test_the_amounts_a_person_reads():
    assert format_number(None) == ""
    assert format_number(0) == "0"
    assert format_number(999) == "999"
    assert format_number(1000) == "1.000"
    assert format_number(-1234567) == "-1.234.567"
    assert format_kr(1250000) == "1.250.000 kr."
    assert format_thousands(1250499) == "1.250"
    assert format_thousands(-1500) == "-2"
