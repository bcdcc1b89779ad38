"""What goes into the cross-cutting development and transition plan, live and frozen.

``plan_lines`` reads the plan of a cycle as it is now, in the cycle's price
level; ``plan_freeze`` (services) copies exactly these lines into a version's
own rows. ``version_diff`` says in plain Danish what changed between two versions.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import F
from django.utils.translation import gettext as _

from governance.board import money
from governance.plans.models import PlanVersionAmount, PlanVersionCase
from kkdigital.lib.money import format_thousands
from portfolio.economy import PAYBACK_HORIZON_YEARS, payback_years
from portfolio.models import CaseScope, CaseState, InvestmentCase

# The cases of the plan: prioritised by the board and onwards, not the ones ØU
# rejected or deferred.
PLAN_STATES = (
    CaseState.PRIORITISED,
    CaseState.FORWARDED,
    CaseState.APPROVED,
    CaseState.IN_PROGRESS,
    CaseState.COMPLETED,
)
ECONOMY_KEYS = ("investment_service", "investment_anlaeg", "retender", "operating", "gain")
COST_KEYS = tuple(key for key in ECONOMY_KEYS if key != "gain")


def _converter(price_years, to_year: int):
    """``convert(amount, from_year)`` into ``to_year`` p/l by the one conversion
    (financing.prices.convert), reading the price indices once if any case needs them;
    None when every case is in ``to_year`` p/l already."""
    if not money.money_available() or all(year == to_year for year in price_years):
        return None
    from financing.prices import convert, price_indices

    indices = price_indices()
    return lambda amount, from_year: convert(
        amount, from_year=from_year, to_year=to_year, indices=indices
    )


def _payback_of_cells(economy: dict, horizon: int = PAYBACK_HORIZON_YEARS) -> int | None:
    """``portfolio.economy.payback_years`` of a case from its economy cells, when the
    cells hold the lines' own amounts (not converted): the same sums per year, read
    from the cells instead of from every line again.

    One-off investment is investment (service and anlæg) and re-tendering; the net
    gain of a year is minus its gains (negative) and operating costs; after the table's last
    year the permanent effect counts every year (as ``yearly_flows``).
    """
    # year -> (one-off investment, net gain)
    flows = {}
    for column, cell in economy.items():
        if column != "permanent":
            flows[int(column)] = (
                cell["investment_service"] + cell["investment_anlaeg"] + cell["retender"],
                -(cell["gain"] + cell["operating"]),
            )
    invested = [year for year, (one_off, _net) in flows.items() if one_off]
    if not invested:
        return None
    first = min(invested)
    last = max(flows)
    end = first + horizon
    total_investment = sum(one_off for year, (one_off, _n) in flows.items() if first <= year < end)
    permanent = economy.get("permanent")
    permanent_gain = -(permanent["gain"] + permanent["operating"]) if permanent else 0
    cumulative = 0
    for number, year in enumerate(range(first, end), start=1):
        if year <= last:
            flow = flows.get(year)
            if flow is not None:
                cumulative += flow[1]
        else:
            cumulative += permanent_gain
        if cumulative >= total_investment:
            return number
    return None


@dataclass
class PlanLine:
    """One case of the plan (live or frozen), in the shape the pages and the diff use."""

    case_key: int
    code: str
    title: str
    department_code: str
    department_name: str
    scope: str
    case_type: str
    state: str
    rank: int | None
    themes: list[str]
    potentials: list[str]
    economy: dict
    payback_years: int | None
    # (channel kind, channel name, year) → (requested, recommended, granted)
    amounts: dict = field(default_factory=dict)
    case_id: int | None = None
    department_codes: tuple = ()

    def planned(self, kind: str, year: int) -> int:
        """What the plan counts on from a channel in a year: granted, else
        recommended, else requested."""
        return self.planned_amounts.get((kind, year), 0)

    @cached_property
    def planned_amounts(self) -> dict[tuple[str, int], int]:
        """(channel kind, year) → what the plan counts on, for every channel and year
        the line has an allocation in (the first channel of a kind, as ``planned``)."""
        planned: dict[tuple[str, int], int] = {}
        for (kind, _name, year), (requested, recommended, granted) in self.amounts.items():
            if (kind, year) not in planned:
                if granted is not None:
                    planned[kind, year] = granted
                elif recommended is not None:
                    planned[kind, year] = recommended
                else:
                    planned[kind, year] = requested
        return planned

    def channel_names(self) -> dict[str, str]:
        return {k: name for (k, name, _y) in self.amounts}

    @cached_property
    def _year_totals(self) -> dict[str, int]:
        """Each economy key summed over the years (not the permanent effect), once."""
        totals: dict[str, int] = defaultdict(int)
        for column, cell in self.economy.items():
            if column != "permanent":
                for key, value in cell.items():
                    totals[key] += value
        return totals

    def total(self, key: str) -> int:
        return self._year_totals.get(key, 0)

    @property
    def investment_service(self) -> int:
        return self.total("investment_service") + self.total("retender")

    @property
    def investment_anlaeg(self) -> int:
        return self.total("investment_anlaeg")

    @property
    def full_effect(self) -> int:
        """The effect at full phase-in: the permanent gains (negative) and costs."""
        permanent = self.economy.get("permanent") or {}
        return permanent.get("gain", 0) + permanent.get("operating", 0)

    @property
    def grand_total(self) -> int:
        return self.investment_service + self.investment_anlaeg

    def year_cost(self, year: int) -> int:
        cell = self.economy.get(str(year)) or {}
        return sum(cell.get(k, 0) for k in COST_KEYS)

    def year_gain(self, year: int) -> int:
        return (self.economy.get(str(year)) or {}).get("gain", 0)


def _links(through, case_field: str, target_field: str, cases) -> dict[int, list[int]]:
    """The ids an M2M field links each of ``cases`` (a queryset) to, in one query."""
    result: dict[int, list[int]] = defaultdict(list)
    rows = through.objects.filter(**{f"{case_field}__in": cases.values("pk")}).values_list(
        f"{case_field}_id", f"{target_field}_id"
    )
    for case_id, target_id in rows:
        result[case_id].append(target_id)
    return result


def plan_lines(cycle, *, participants: bool = True) -> list[PlanLine]:
    """The plan of ``cycle`` as it stands now, in the cycle's price level.

    A fixed number of queries, reading only the columns the plan shows: the
    cases, their economy lines, themes, potentials, participating departments
    and allocations, and (if a case is in another price level) the price indices.
    Without ``participants`` a line's ``department_codes`` hold its own department
    only (a reader of the whole plan does not need the others; one query less).
    """
    from portfolio.models import CaseEconomyLine
    from strategy.models import Potential, Theme

    price_year = cycle.budget_year
    in_plan = InvestmentCase.objects.filter(cycle=cycle, state__in=PLAN_STATES)
    cases = list(
        in_plan.order_by("board_entry__rank", "title").values(
            "pk",
            "note_code",
            "title",
            "department__code",
            "department__name",
            "scope",
            "case_type",
            "state",
            "price_year",
            "board_entry__rank",
        )
    )
    if not cases:
        return []
    # Each case's economy in one pass over its lines, straight into its cells (no list
    # of lines per case). Unordered: the economy is sums (sorting 7.000 lines by text
    # took longer than reading them). A case in another price level keeps its lines
    # as well: its cells are converted, its payback period is of its own amounts.
    price_year_of = {case["pk"]: case["price_year"] for case in cases}
    convert = _converter(set(price_year_of.values()), price_year)
    cells_of: dict[int, dict] = {}
    converted_lines = defaultdict(list)
    for case_id, kind, year, area, amount in (
        CaseEconomyLine.objects.filter(case__in=in_plan.values("pk"))
        .order_by()
        .values_list("case_id", "kind", "year", "styringsomraade", "amount")
    ):
        economy = cells_of.get(case_id)
        if economy is None:
            economy = cells_of[case_id] = {}
        if kind == "investment":
            kind = "investment_anlaeg" if area == "anlaeg" else "investment_service"
        column = str(year) if year else "permanent"
        cell = economy.get(column)
        if cell is None:
            cell = economy[column] = dict.fromkeys(ECONOMY_KEYS, 0)
        from_year = price_year_of[case_id]
        if convert is not None and from_year != price_year:
            cell[kind] += convert(amount, from_year)
            converted_lines[case_id].append((kind, year, amount))
        else:
            cell[kind] += amount
    # theme id -> (its place: number, id; its label as ``Theme.__str__`` gives it)
    themes = {t.pk: ((t.number, t.pk), str(t)) for t in Theme.objects.order_by()}
    potentials = {p.pk: str(p) for p in Potential.objects.order_by()}
    case_themes = _links(InvestmentCase.themes.through, "investmentcase", "theme", in_plan)
    case_potentials = _links(
        InvestmentCase.potentials.through, "investmentcase", "potential", in_plan
    )
    participating = defaultdict(list)
    if participants:
        for case_id, code in (
            InvestmentCase.participating_departments.through.objects.filter(
                investmentcase__in=in_plan.values("pk")
            )
            .order_by("department__code")
            .values_list("investmentcase_id", "department__code")
        ):
            participating[case_id].append(code)
    amounts = defaultdict(dict)
    if money.money_available():
        from financing.models import Allocation

        for case_id, kind, name, year, requested, recommended, granted in (
            Allocation.objects.filter(case__in=in_plan.values("pk"))
            .order_by("channel__kind", "year")
            .values_list(
                "case_id",
                "channel__kind",
                "channel__name",
                "year",
                "requested",
                "recommended",
                "granted",
            )
        ):
            amounts[case_id][(kind, name, year)] = (requested or 0, recommended, granted)
    lines = []
    for case in cases:
        pk = case["pk"]
        economy = cells_of.get(pk, {})
        if pk in converted_lines:
            # payback_years reads "investment", not its two halves; both are one-off.
            payback = payback_years(
                [
                    ("investment" if kind.startswith("investment") else kind, year, amount)
                    for kind, year, amount in converted_lines[pk]
                ]
            )
        else:
            payback = _payback_of_cells(economy)
        by_number = sorted(themes[theme_id] for theme_id in case_themes.get(pk, ()))
        lines.append(
            PlanLine(
                case_key=pk,
                case_id=pk,
                code=case["note_code"] or "",
                title=case["title"],
                department_code=case["department__code"],
                department_name=case["department__name"],
                scope=case["scope"],
                case_type=case["case_type"],
                state=case["state"],
                rank=case["board_entry__rank"],
                themes=[label for _place, label in by_number],
                potentials=[potentials[p] for p in sorted(case_potentials.get(pk, []))],
                economy=economy,
                payback_years=payback,
                amounts=amounts.get(pk, {}),
                department_codes=(case["department__code"], *participating.get(pk, [])),
            )
        )
    return lines


def version_lines(version) -> list[PlanLine]:
    """A frozen version's own rows as plan lines (two queries, no model instances)."""
    amounts = defaultdict(dict)
    for line_id, kind, name, year, requested, recommended, granted in (
        PlanVersionAmount.objects.filter(line__version=version)
        .order_by("line_id", "channel_kind", "year")
        .values_list(
            "line_id", "channel_kind", "channel_name", "year", "requested", "recommended", "granted"
        )
    ):
        amounts[line_id][(kind, name, year)] = (requested, recommended, granted)
    rows = (
        PlanVersionCase.objects.filter(version=version)
        .order_by(F("rank").asc(nulls_last=True), "title")
        .values(
            "pk",
            "case_key",
            "case_id",
            "code",
            "title",
            "department_code",
            "department_name",
            "scope",
            "case_type",
            "state",
            "rank",
            "themes",
            "potentials",
            "economy",
            "payback_years",
        )
    )
    lines = []
    for row in rows:
        pk = row.pop("pk")
        lines.append(
            PlanLine(
                **row,
                amounts=amounts.get(pk, {}),
                department_codes=(row["department_code"],),
            )
        )
    return lines


def grouped(lines: list[PlanLine]) -> dict:
    """Cross-cutting cases by their first strategy theme; department-specific cases
    under their department's IT investment plan."""
    by_theme = defaultdict(list)
    by_department = defaultdict(list)
    for line in lines:
        if line.scope == CaseScope.CROSS_CUTTING:
            by_theme[line.themes[0] if line.themes else _("No theme")].append(line)
        else:
            by_department[f"{line.department_name} ({line.department_code})"].append(line)
    return {
        "themes": sorted(by_theme.items()),
        "departments": sorted(by_department.items()),
    }


def _kr(value) -> str:
    return format_thousands(value or 0)


def version_diff(old: list[PlanLine] | None, new: list[PlanLine]) -> list[str]:
    """What changed from ``old`` to ``new``, one plain sentence each: cases added
    and removed, ranks, channels added and removed, and amounts per channel and
    year (the amount the plan counts on: granted, else recommended, else requested)."""
    if old is None:
        return []
    before = {line.case_key: line for line in old}
    after = {line.case_key: line for line in new}
    changes = []
    for key in sorted(after.keys() - before.keys(), key=lambda k: after[k].title):
        changes.append(_("“%(title)s” is new in the plan.") % {"title": after[key].title})
    for key in sorted(before.keys() - after.keys(), key=lambda k: before[k].title):
        changes.append(_("“%(title)s” is no longer in the plan.") % {"title": before[key].title})
    for key in sorted(before.keys() & after.keys(), key=lambda k: after[k].title):
        a, b = before[key], after[key]
        title = b.title
        if a.rank != b.rank:
            changes.append(
                _("“%(title)s” moved from rank %(old)s to rank %(new)s.")
                % {
                    "title": title,
                    "old": a.rank or "–",
                    "new": b.rank or "–",
                }
            )
        old_channels, new_channels = a.channel_names(), b.channel_names()
        for kind in sorted(new_channels.keys() - old_channels.keys()):
            changes.append(
                _("“%(title)s” is now also financed by %(channel)s.")
                % {
                    "title": title,
                    "channel": new_channels[kind],
                }
            )
        for kind in sorted(old_channels.keys() - new_channels.keys()):
            changes.append(
                _("“%(title)s” is no longer financed by %(channel)s.")
                % {
                    "title": title,
                    "channel": old_channels[kind],
                }
            )
        years = sorted({y for (_k, _n, y) in a.amounts} | {y for (_k, _n, y) in b.amounts})
        for kind in sorted(old_channels.keys() & new_channels.keys()):
            for year in years:
                was, now = a.planned(kind, year), b.planned(kind, year)
                if was != now:
                    changes.append(
                        _(
                            "“%(title)s”: %(channel)s in %(year)s changed from %(old)s to "
                            "%(new)s (1.000 kr.)."
                        )
                        % {
                            "title": title,
                            "channel": new_channels[kind],
                            "year": year,
                            "old": _kr(was),
                            "new": _kr(now),
                        }
                    )
        economy_years = sorted(
            {int(c) for c in a.economy if c != "permanent"}
            | {int(c) for c in b.economy if c != "permanent"}
        )
        for year in economy_years:
            if a.year_cost(year) != b.year_cost(year):
                changes.append(
                    _(
                        "“%(title)s”: the cost in %(year)s changed from %(old)s to %(new)s "
                        "(1.000 kr.)."
                    )
                    % {
                        "title": title,
                        "year": year,
                        "old": _kr(a.year_cost(year)),
                        "new": _kr(b.year_cost(year)),
                    }
                )
            if a.year_gain(year) != b.year_gain(year):
                changes.append(
                    _(
                        "“%(title)s”: the gains in %(year)s changed from %(old)s to %(new)s "
                        "(1.000 kr.)."
                    )
                    % {
                        "title": title,
                        "year": year,
                        "old": _kr(a.year_gain(year)),
                        "new": _kr(b.year_gain(year)),
                    }
                )
    return changes
