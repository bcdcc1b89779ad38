"""The plan's body as ready strings: one pass over the plan lines.

A plan at ten times Copenhagen's volume has 700 cases; a template row of 40
nodes for each of them (and again in the lists by theme and by department) was
most of the page's time. Here every number is computed once per line and every
repeated row is built once, escaping every text it inserts (``html.escape``, as
Django's own ``escape`` does); the template keeps the page's structure (headings,
captions, table heads and sums).
"""

from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from governance.plans.snapshot import PlanLine, grouped
from kkdigital.lib.money import format_thousands

# A case number no case has: its place in the reversed address is where a case's
# number goes (one ``reverse`` for the whole table instead of one a row).
_MARKER = 2147483647


def _case_urls():
    """``url(pk)``: the address of a case's page."""
    prefix, suffix = reverse("portfolio:case-detail", args=[_MARKER]).split(str(_MARKER))
    return lambda pk: f"{prefix}{pk}{suffix}"


def _rank(rank: int) -> str:
    return _("no. %(rank)s") % {"rank": rank}


def _summary_row(line: PlanLine, numbers: tuple, case_url) -> str:
    service, anlaeg, effect, total = (format_thousands(n) for n in numbers)
    title = escape(line.title)
    if line.case_id:
        title = f'<a href="{escape(case_url(line.case_id))}">{title}</a>'
    payback = line.payback_years or "–"
    return (
        f"<tr><td>{escape(line.code or '–')}</td><td>{escape(line.department_code)}</td>"
        f'<td>{title}</td><td class="kk-num">{service}</td><td class="kk-num">{anlaeg}</td>'
        f'<td class="kk-num">{effect}</td><td class="kk-num">{payback}</td>'
        f'<td class="kk-num">{total}</td></tr>\n'
    )


def _theme_item(line: PlanLine) -> str:
    rank = f", {escape(_rank(line.rank))}" if line.rank else ""
    potentials = ""
    if line.potentials:
        names = ", ".join(escape(name) for name in line.potentials)
        label = escape(_("potentials:"))  # outside the f-string, where makemessages reads it
        potentials = f" — {label} {names}"
    return (
        f"<li><strong>{escape(line.title)}</strong> ({escape(line.department_code)}{rank})"
        f"{potentials}</li>"
    )


def _department_item(line: PlanLine) -> str:
    rank = f" ({escape(_rank(line.rank))})" if line.rank else ""
    return f"<li>{escape(line.title)}{rank}</li>"


def _joined(items) -> SafeString:
    # Every text in the items went through ``escape``; numbers are digits and dots.
    return mark_safe("".join(items))  # noqa: S308


def plan_body(lines: list[PlanLine], years: list[int]) -> dict:
    """What ``_plan_body.html`` shows of ``lines``: the summary rows, the sums per
    column and year, the financing per channel and year, and the lists by theme
    and by department. The sums are of the same whole kroner the rows show."""
    rows = []
    case_url = _case_urls()
    service_sum = anlaeg_sum = effect_sum = total_sum = 0
    cost = [0] * len(years)
    gain = [0] * len(years)
    kinds: dict[str, str] = {}
    # A year's place among the columns, by the year (allocations) and by its text (cells).
    year_column = {year: i for i, year in enumerate(years)}
    column = {str(year): i for i, year in enumerate(years)}
    # (channel kind, column) → what the plan counts on from the channel that year.
    planned: dict[tuple[str, int], int] = {}
    for line in lines:
        # A line's sums over its years (as ``PlanLine.investment_service``,
        # ``investment_anlaeg`` and ``full_effect``) and the plan's cost and gain per
        # year (as ``year_cost`` and ``year_gain``), in one pass over its cells.
        service = anlaeg = effect = 0
        for key, cell in line.economy.items():
            get = cell.get
            if key == "permanent":
                effect = get("gain", 0) + get("operating", 0)
                continue
            investment_service = get("investment_service", 0)
            investment_anlaeg = get("investment_anlaeg", 0)
            retender = get("retender", 0)
            service += investment_service + retender
            anlaeg += investment_anlaeg
            i = column.get(key)
            if i is not None:
                cost[i] += investment_service + investment_anlaeg + retender + get("operating", 0)
                gain[i] += get("gain", 0)
        total = service + anlaeg
        rows.append(_summary_row(line, (service, anlaeg, effect, total), case_url))
        service_sum += service
        anlaeg_sum += anlaeg
        effect_sum += effect
        total_sum += total
        if line.amounts:
            kinds.update(line.channel_names())
            for (kind, year), amount in line.planned_amounts.items():
                i = year_column.get(year)
                if i is not None:
                    key = (kind, i)
                    planned[key] = planned.get(key, 0) + amount
    groups = grouped(lines)
    return {
        "lines": bool(lines),
        "rows": _joined(rows),
        "totals": {
            "cost": cost,
            "gain": gain,
            "service": service_sum,
            "anlaeg": anlaeg_sum,
            "effect": effect_sum,
            "total": total_sum,
        },
        # What the plan counts on from each channel, per year.
        "channels": [
            {
                "name": name,
                "amounts": [planned.get((kind, i), 0) for i in range(len(years))],
            }
            for kind, name in sorted(kinds.items())
        ],
        "themes": [
            (theme, _joined(_theme_item(line) for line in theme_lines))
            for theme, theme_lines in groups["themes"]
        ],
        "departments": [
            (department, _joined(_department_item(line) for line in dept_lines))
            for department, dept_lines in groups["departments"]
        ],
    }
