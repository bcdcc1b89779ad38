"""Money and amounts in Danish format: one place for parsing and showing kroner."""

import re

from django.utils.translation import gettext as _

# People type "1.250.000", "1250000", "1 250 000" or "1.250.000 kr.".
_GROUPED = re.compile(r"^\d{1,3}([. \u00a0]\d{3})+$")


class AmountError(ValueError):
    """The text is not a whole amount of kroner."""


def parse_amount(text: str) -> int | None:
    """Read an amount of whole kroner as a person types it; empty gives None."""
    cleaned = (text or "").strip()
    cleaned = re.sub(r"\s*(kr\.?|dkk)$", "", cleaned, flags=re.IGNORECASE).strip()
    if not cleaned:
        return None
    negative = cleaned.startswith("-")
    if negative:
        cleaned = cleaned[1:].strip()
    if cleaned.isdigit():
        value = int(cleaned)
    elif _GROUPED.match(cleaned) and len({c for c in cleaned if not c.isdigit()}) == 1:
        value = int(re.sub(r"\D", "", cleaned))
    else:
        raise AmountError(_("Enter a whole amount in kroner, e.g. 1.250.000."))
    return -value if negative else value


def format_number(value: int | None) -> str:
    """1234567 → "1.234.567"; None → ""."""
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    return sign + f"{abs(int(value)):,}".replace(",", ".")


def format_kr(value: int | None) -> str:
    """1234567 → "1.234.567 kr."."""
    if value is None:
        return ""
    return f"{format_number(value)} kr."


def format_thousands(value: int | None) -> str:
    """Whole kroner shown in 1.000 kr., rounded half away from zero: 1.250.499 → "1.250"."""
    if value is None:
        return ""
    sign = -1 if value < 0 else 1
    return format_number(sign * ((abs(int(value)) + 500) // 1000))
