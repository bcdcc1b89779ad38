"""Reads of the follow-up: reports with everything their figures need, and a round's totals."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Sum
from django.utils.translation import gettext as _

from financing.models import Allocation
from portfolio.models import CaseEconomyLine

from .evaluation import SEVERITY, ReportFigures, evaluate
from .models import FollowUpReport, FollowUpReportYear


def reports_with_figures(queryset) -> list[ReportFigures]:
    """Evaluate every report of ``queryset`` in a constant number of queries."""
    reports = (
        queryset.select_related(
            "round", "baseline", "department", "case__cycle", "case__department"
        )
        .prefetch_related(
            Prefetch("years", queryset=FollowUpReportYear.objects.order_by("year")),
            Prefetch("case__economy_lines", queryset=CaseEconomyLine.objects.order_by()),
        )
        .order_by("department__name", "case__title", "pk")
    )
    return [evaluate(report) for report in reports]


def main_channel_by_case(case_ids) -> dict[int, str]:
    """The channel that granted a case most (its row in the totals per channel)."""
    amounts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = (
        Allocation.objects.filter(case_id__in=list(case_ids), granted__isnull=False)
        .order_by()
        .values("case_id", "channel__name")
        .annotate(total=Sum("granted"))
    )
    for row in rows:
        amounts[row["case_id"]][row["channel__name"]] += int(row["total"] or 0)
    return {
        case_id: max(sorted(by_channel.items()), key=lambda item: item[1])[0]
        for case_id, by_channel in amounts.items()
    }


@dataclass
class TotalsRow:
    label: str
    cases: int = 0
    granted: int = 0
    spent: int = 0
    expected: int = 0
    planned: int = 0
    realised: int = 0

    def add(self, f: ReportFigures) -> None:
        self.cases += 1
        self.granted += f.granted_total
        self.spent += f.spent_to_date
        # A report without an expected total counts with its grant (no change expected).
        self.expected += f.expected_total if f.expected_total is not None else f.granted_total
        self.planned += f.planned_to_date
        self.realised += f.realised_to_date


@dataclass
class RoundSummary:
    figures: list[ReportFigures]
    by_department: list[TotalsRow]
    by_channel: list[TotalsRow]
    total: TotalsRow
    red: list[ReportFigures] = field(default_factory=list)
    light_counts: dict = field(default_factory=dict)


def round_summary(round_) -> RoundSummary:
    """The follow-up report of a round for the Magistrate and ØU: totals, lights, the red first."""
    figures = reports_with_figures(FollowUpReport.objects.filter(round=round_))
    departments: dict[str, TotalsRow] = {}
    channels: dict[str, TotalsRow] = {}
    total = TotalsRow(label=_("Total"))
    main_channel = main_channel_by_case([f.report.case_id for f in figures])
    no_grant = _("No grant recorded")
    for f in figures:
        name = f.report.department.name
        departments.setdefault(name, TotalsRow(label=name)).add(f)
        channel = main_channel.get(f.report.case_id, no_grant)
        channels.setdefault(channel, TotalsRow(label=channel)).add(f)
        total.add(f)
    ordered = sorted(
        figures, key=lambda f: (SEVERITY[f.worst], f.report.department.name, f.report.case.title)
    )
    counts = {aspect: defaultdict(int) for aspect in ("cost", "schedule", "benefits")}
    for f in figures:
        for light in f.lights:
            counts[light.aspect][light.effective] += 1
    return RoundSummary(
        figures=ordered,
        by_department=sorted(departments.values(), key=lambda r: r.label),
        # The cases without a grant come last.
        by_channel=sorted(channels.values(), key=lambda r: (r.label == no_grant, r.label)),
        total=total,
        red=[f for f in ordered if f.red_lights],
        light_counts={k: dict(v) for k, v in counts.items()},
    )
