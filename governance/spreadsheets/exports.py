"""The spreadsheets the app hands out: the case list as filtered, a department's IT
investment plan, the financing overview and the plan. Headers are Danish (the
callers render inside ``translation.override("da")``); amounts are whole kroner."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portfolio.economy import EconomyTable
from portfolio.models import EconomyKind

from ..notes.context import build_economy, note_code
from .writer import DATE, INT, Column, Sheet, xlsx_bytes

ECONOMY_KINDS = (
    (EconomyKind.INVESTMENT,
     gettext_noop("Investment %(year)s"), gettext_noop("Investment, permanent")),
    (EconomyKind.OPERATING,
     gettext_noop("Operating cost %(year)s"), gettext_noop("Operating cost, permanent")),
    (EconomyKind.RETENDER,
     gettext_noop("Re-tendering %(year)s"), gettext_noop("Re-tendering, permanent")),
    (EconomyKind.GAIN, gettext_noop("Gains %(year)s"), gettext_noop("Gains, permanent")),
)


# One-off costs that may be capital (anlæg) have columns of their own for it.
ANLAEG_KINDS = (
    (EconomyKind.INVESTMENT, gettext_noop("Investment, anlæg %(year)s")),
    (EconomyKind.RETENDER, gettext_noop("Re-tendering, anlæg %(year)s")),
)


def economy_columns(years: list[int]) -> list[tuple]:
    """(key, Danish header) for each economy cell of a case row. The key is
    ``(kind, year)`` for a service line (``year`` None: permanent) and
    ``(kind, year, "anlaeg")`` for a capital line."""
    columns = []
    for kind, per_year, permanent in ECONOMY_KINDS:
        for year in years:
            columns.append(((kind.value, year), _(per_year) % {"year": year}))
        columns.append(((kind.value, None), _(permanent)))
    for kind, per_year in ANLAEG_KINDS:
        for year in years:
            columns.append(((kind.value, year, "anlaeg"), _(per_year) % {"year": year}))
    return columns


def line_key(line) -> tuple:
    area = getattr(line, "styringsomraade", "service") or "service"
    return (line.kind, line.year) if area == "service" else (line.kind, line.year, area)


def amounts_note(price_year) -> str:
    return _("Amounts in kr., %(year)s p/l. Gains are negative.") % {"year": price_year}


def case_list_sheet(cases) -> Sheet:
    columns = [
        Column(_("Case no."), INT, 9),
        Column(_("Code"), width=8),
        Column(_("Title"), width=48),
        Column(_("Department"), width=36),
        Column(_("Type"), width=22),
        Column(_("Scope"), width=18),
        Column(_("State"), width=20),
        Column(_("Budget cycle"), width=13),
        Column(_("Price level (p/l)"), INT, 10),
        Column(_("Investment, total (kr.)"), INT, 16),
        Column(_("Permanent net effect (kr.)"), INT, 16),
        Column(_("Updated"), DATE, 12),
    ]
    rows = []
    for case in cases:
        table = EconomyTable.for_case(case)
        rows.append([
            case.pk, note_code(case), case.title, case.department.name,
            case.get_case_type_display(), case.get_scope_display(), case.get_state_display(),
            str(case.cycle), case.price_year, table.row_total(EconomyKind.INVESTMENT),
            table.column_total(None), case.updated_at,
        ])
    return Sheet(title=_("Cases"), columns=columns, rows=rows)


def department_plan_sheet(department, cycle, cases) -> Sheet:
    """A department's IT investment plan: a row per case with its economy by kind and year."""
    years = list(cycle.out_years)
    economy = economy_columns(years)
    columns = [
        Column(_("Case no."), INT, 9),
        Column(_("Code"), width=8),
        Column(_("Title"), width=44),
        Column(_("Type"), width=22),
        Column(_("State"), width=18),
        *[Column(header, INT, 14) for _key, header in economy],
    ]
    rows = []
    for case in cases:
        amounts = {line_key(line): line.amount for line in case.economy_lines.all()}
        rows.append([
            case.pk, note_code(case), case.title, case.get_case_type_display(),
            case.get_state_display(),
            *[amounts.get(key) for key, _h in economy],
        ])
    return Sheet(
        title=_("IT investment plan"),
        columns=columns,
        rows=rows,
        note=f"{department.name}, {cycle}. {amounts_note(cycle.budget_year)}",
    )


def financing_sheet(cycle) -> Sheet | None:
    """The financing overview (money's ``channel_year_totals``); None before it exists."""
    try:
        from financing.selectors import channel_year_totals
    except ImportError:
        return None
    columns = [
        Column(_("Channel"), width=40),
        Column(_("Year"), INT, 8),
        Column(_("Capacity (kr.)"), INT, 16),
        Column(_("Requested (kr.)"), INT, 16),
        Column(_("Recommended (kr.)"), INT, 16),
        Column(_("Granted (kr.)"), INT, 16),
        Column(_("Remaining (kr.)"), INT, 16),
    ]
    rows = [
        [str(r.channel), r.year, r.capacity, r.requested, r.recommended, r.granted, r.remaining]
        for r in channel_year_totals(cycle)
    ]
    return Sheet(title=_("Financing"), columns=columns, rows=rows,
                 note=amounts_note(cycle.budget_year))


def plan_sheet(plan) -> Sheet:
    """The plan's cases in rank order, as the collected note's summary table (kroner)."""
    from ..notes.context import note_queryset
    from ..notes.summary import to_cycle_level

    cycle = plan.cycle
    years = list(cycle.out_years)
    by_pk = {c.pk: c for c in note_queryset().filter(pk__in=[c.pk for c in plan.cases])}
    columns = [
        Column(_("Rank"), INT, 6),
        Column(_("Code"), width=8),
        Column(_("Department"), width=30),
        Column(_("Title"), width=44),
        *[Column(_("Investment, service %(year)s") % {"year": y}, INT, 14) for y in years],
        *[Column(_("Investment, anlæg %(year)s") % {"year": y}, INT, 14) for y in years],
        Column(_("Effect at full phase-in (kr.)"), INT, 16),
        Column(_("Payback (years)"), INT, 10),
        Column(_("State"), width=18),
    ]
    rows = []
    for rank, listed in enumerate(plan.cases, start=1):
        case = by_pk.get(listed.pk)
        if case is None:
            continue
        economy = build_economy(case, list(case.economy_lines.all()), years)
        index = {year: i for i, year in enumerate(economy.years)}

        def level(amount, case=case):
            return to_cycle_level(amount, from_year=case.price_year, to_year=cycle.budget_year)

        service = economy.investment_by_area("service")
        anlaeg = economy.investment_by_area("anlaeg")
        rows.append([
            rank, note_code(case), case.department.name, case.title,
            *[level(service[index[y]]) for y in years],
            *[level(anlaeg[index[y]]) for y in years],
            level(economy.permanent_effect), economy.payback_years, case.get_state_display(),
        ])
    return Sheet(
        title=_("Plan"),
        columns=columns,
        rows=rows,
        note=f"{cycle}, {plan.label}, {plan.date:%d.%m.%Y}. {amounts_note(cycle.budget_year)}",
    )


def plan_workbook(plan) -> bytes:
    sheets = [plan_sheet(plan)]
    financing = financing_sheet(plan.cycle)
    if financing is not None:
        sheets.append(financing)
    return xlsx_bytes(sheets)
