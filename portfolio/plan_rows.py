"""A department plan's case rows as ready markup.

A department's plan at ten times Copenhagen's volume lists some 300 cases; a
template row of a dozen nodes for each was a third of the page's time. Here the
address, the state names and the column labels are made once per page and each
row once, escaping every text it inserts (``html.escape``, as Django's own
``escape`` does).
"""

from html import escape

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kkdigital.lib.money import format_thousands

from .economy import EconomyTable
from .models import CaseState, EconomyKind
from .templatetags.cases import STATE_BADGES

# A case number no case has: where a case's number goes in its reversed address.
_URL_MARKER = 2147483647


class PlanRows:
    """The rows of one department plan page, in the reader's language."""

    def __init__(self, cycle):
        self.years = cycle.out_years
        self.prefix, self.suffix = reverse("portfolio:case-detail", args=[_URL_MARKER]).split(
            str(_URL_MARKER)
        )
        self.states = {value: escape(str(label)) for value, label in CaseState.choices}
        self.labels = {
            "case": escape(_("Case")),
            "state": escape(_("State")),
            "investment": escape(_("Investment")),
            "net": escape(_("Net effect, permanent")),
        }

    def row(self, case, lines) -> dict:
        """A case's row: its investment over the years and permanent net effect
        (from its economy ``lines``, as the case page's table sums them) and its markup."""
        table = EconomyTable(self.years, lines, price_year=case.price_year)
        investment = table.row_total(EconomyKind.INVESTMENT)
        net_permanent = table.column_total(None)
        labels = self.labels
        html = (
            "<tr>\n"
            f'        <td data-title="{labels["case"]}">'
            f'<a href="{escape(f"{self.prefix}{case.pk}{self.suffix}")}">{escape(case.title)}</a>'
            "</td>\n"
            f'        <td data-title="{labels["state"]}">'
            f'<span class="badge {STATE_BADGES.get(case.state, "")}">{self.states[case.state]}'
            "</span></td>\n"
            f'        <td class="align-text-right" data-title="{labels["investment"]}">'
            f"{format_thousands(investment)}</td>\n"
            f'        <td class="align-text-right" data-title="{labels["net"]}">'
            f"{format_thousands(net_permanent)}</td>\n"
            "      </tr>\n"
        )
        return {
            "case": case,
            "investment": investment,
            "net_permanent": net_permanent,
            # Every text in it went through ``escape``; the amounts are digits and dots.
            "html": mark_safe(html),  # noqa: S308
        }
