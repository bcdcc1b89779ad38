"""Price levels (p/l): THE conversion of an amount from one year's price level to another.

Rule (the only one in the project): an amount in whole kroner at the price
level of ``from_year`` is multiplied by ``index(to_year) / index(from_year)``,
computed exactly in decimal arithmetic, and rounded once, half away from zero,
to whole kroner. Every sum across cases converts each case's amount first and
adds the converted whole kroner (so a sum equals the sum of its shown parts).

Example: 1.000.000 kr. in 2026 p/l, index 2026 = 100,0 and 2027 = 102,5:
1.000.000 × 102,5 / 100,0 = 1.025.000 kr. in 2027 p/l.
"""

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from kkdigital.lib.errors import ServiceError


class PriceIndexMissing(ServiceError):
    """No price index for a year an amount must be converted from or to."""


def round_kroner(value: Decimal) -> int:
    """Round to whole kroner, half away from zero (Decimal's ROUND_HALF_UP)."""
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def price_indices() -> dict[int, Decimal]:
    """Every year's index, in one query."""
    from .models import PriceIndex

    return dict(PriceIndex.objects.values_list("year", "index"))


def convert(
    amount: int,
    *,
    from_year: int,
    to_year: int,
    indices: Mapping[int, Decimal] | None = None,
) -> int:
    """``amount`` (whole kroner, ``from_year`` p/l) in ``to_year`` p/l, whole kroner.

    ``indices`` (year → index, e.g. from ``price_indices()``) saves the query
    when many amounts are converted; without it the two indices are read.
    Raises ``PriceIndexMissing`` when an index is missing.
    """
    amount = int(amount)
    if from_year == to_year or amount == 0:
        return amount
    if indices is None:
        from .models import PriceIndex

        indices = dict(
            PriceIndex.objects.filter(year__in=(from_year, to_year)).values_list("year", "index")
        )
    missing = [year for year in (from_year, to_year) if year not in indices]
    if missing:
        raise PriceIndexMissing(
            _("There is no price index for %(years)s.")
            % {"years": ", ".join(str(y) for y in missing)}
        )
    return round_kroner(Decimal(amount) * Decimal(indices[to_year]) / Decimal(indices[from_year]))


def cycle_price_year(cycle) -> int:
    """The price level every sum of a cycle is shown in: its budget year."""
    return cycle.budget_year
