"""What goes into the cross-cutting development and transition plan, live and frozen.

``plan_lines`` reads the plan of a cycle as it is now, in the cycle's price
level; ``plan_freeze`` (services) copies exactly these lines into a version's
own rows. ``version_diff`` says in plain Danish what changed between two versions.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from governance.board import money
from kkdigital.lib.money import format_thousands
from portfolio.models import CaseScope, CaseState, Department, InvestmentCase

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


def _convert(amount: int, from_year: int, to_year: int) -> int:
    if from_year == to_year or not money.money_available():
        return amount
    from financing.prices import convert

    return convert(amount, from_year=from_year, to_year=to_year)


def _payback(case) -> int | None:
    try:
        from portfolio.economy import payback_years
    except ImportError:
        return None
    return payback_years(case)


def case_economy(case, price_year: int) -> dict:
    """The case's economy by year (and "permanent") in ``price_year``."""
    economy: dict[str, dict[str, int]] = {}
    for line in case.economy_lines.all():
        key = line.kind
        if line.kind == "investment":
            area = getattr(line, "styringsomraade", "service") or "service"
            key = "investment_anlaeg" if area == "anlaeg" else "investment_service"
        column = str(line.year) if line.year else "permanent"
        cell = economy.setdefault(column, dict.fromkeys(ECONOMY_KEYS, 0))
        cell[key] += _convert(line.amount, case.price_year, price_year)
    return economy


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
        for (k, _name, y), (requested, recommended, granted) in self.amounts.items():
            if k == kind and y == year:
                return next((v for v in (granted, recommended) if v is not None), requested)
        return 0

    def channel_names(self) -> dict[str, str]:
        return {k: name for (k, name, _y) in self.amounts}

    def total(self, key: str) -> int:
        return sum(v.get(key, 0) for col, v in self.economy.items() if col != "permanent")

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
        return sum(cell.get(k, 0) for k in ECONOMY_KEYS if k != "gain")

    def year_gain(self, year: int) -> int:
        return (self.economy.get(str(year)) or {}).get("gain", 0)


def plan_cases(cycle):
    from strategy.models import Potential, Theme

    return (
        InvestmentCase.objects.filter(cycle=cycle, state__in=PLAN_STATES)
        .select_related("department", "board_entry")
        .prefetch_related(
            "economy_lines",
            Prefetch("themes", queryset=Theme.objects.order_by("number")),
            Prefetch("potentials", queryset=Potential.objects.order_by("pk")),
            Prefetch("participating_departments", queryset=Department.objects.order_by("code")),
        )
        .order_by("board_entry__rank", "title")
    )


def plan_lines(cycle) -> list[PlanLine]:
    """The plan of ``cycle`` as it stands now, in the cycle's price level."""
    price_year = cycle.budget_year
    cases = list(plan_cases(cycle))
    allocations = money.allocations_by_case(cases) if cases else {}
    lines = []
    for case in cases:
        entry = getattr(case, "board_entry", None)
        amounts = {}
        for a in allocations.get(case.pk, []):
            amounts[(a.channel.kind, a.channel.name, a.year)] = (
                a.requested or 0,
                a.recommended,
                a.granted,
            )
        lines.append(
            PlanLine(
                case_key=case.pk,
                case_id=case.pk,
                code=getattr(case, "note_code", "") or "",
                title=case.title,
                department_code=case.department.code,
                department_name=case.department.name,
                scope=case.scope,
                case_type=case.case_type,
                state=case.state,
                rank=entry.rank if entry else None,
                themes=[str(t) for t in case.themes.all()],
                potentials=[str(p) for p in case.potentials.all()],
                economy=case_economy(case, price_year),
                payback_years=_payback(case),
                amounts=amounts,
                department_codes=(case.department.code,)
                + tuple(d.code for d in case.participating_departments.all()),
            )
        )
    return lines


def version_lines(version) -> list[PlanLine]:
    """A frozen version's own rows as plan lines."""
    lines = []
    for row in version.cases.prefetch_related("amounts").all():
        lines.append(
            PlanLine(
                case_key=row.case_key,
                case_id=row.case_id,
                code=row.code,
                title=row.title,
                department_code=row.department_code,
                department_name=row.department_name,
                scope=row.scope,
                case_type=row.case_type,
                state=row.state,
                rank=row.rank,
                themes=row.themes,
                potentials=row.potentials,
                economy=row.economy,
                payback_years=row.payback_years,
                amounts={
                    (a.channel_kind, a.channel_name, a.year): (
                        a.requested,
                        a.recommended,
                        a.granted,
                    )
                    for a in row.amounts.all()
                },
                department_codes=(row.department_code,),
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
