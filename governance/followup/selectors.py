"""Reads of the follow-up: reports with everything their figures need, and a round's totals."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, Sum
from django.utils.translation import gettext as _

from financing.models import Allocation
from portfolio.models import CaseEconomyLine, EconomyKind

from . import lights as rules
from .baseline import last_year_covered
from .evaluation import ASPECTS, SEVERITY, ReportFigures, ReportLine, evaluate, judge
from .models import BaselineSource, FollowUpReport, FollowUpReportYear, ReportStatus


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


def round_lines(round_) -> list[ReportLine]:
    """Every report of a round with its lights, red first, then by department and case.

    Three queries of columns and sums whatever the round's size: the reports, the sums
    of their year rows, and the planned gains of the cases whose reports are drafts (a
    submitted report keeps its own), summed over the years the round covers. The
    lights are those ``evaluate`` gives (``evaluation.judge``), and so are the granted
    and expected totals the list shows.
    """
    t = rules.Thresholds.of(round_)
    last_year = last_year_covered(round_)
    covered = Q(year__lte=last_year)
    override_names = [f"{aspect}_override" for aspect in ASPECTS]
    frozen_names = [f"{aspect}_light" for aspect in ASPECTS]
    reports = (
        FollowUpReport.objects.filter(round=round_)
        .order_by()
        .values_list(
            "pk",
            "status",
            "department_id",
            "department__code",
            "department__name",
            "case_id",
            "case__title",
            "expected_total_cost",
            "expected_completion",
            "baseline__granted_by_year",
            "baseline__completion_date",
            "baseline__source",
            *frozen_names,
            *override_names,
        )
    )
    # report -> (granted in all years, planned and realised in the years covered)
    sums: dict[int, tuple[int, int, int]] = {
        report_id: (int(granted or 0), int(planned or 0), int(realised or 0))
        for report_id, granted, planned, realised in (
            FollowUpReportYear.objects.filter(report__round=round_)
            .order_by()
            .values("report_id")
            .annotate(
                granted=Sum("granted"),
                planned=Sum("benefits_planned", filter=covered),
                realised=Sum("benefits_realised", filter=covered),
            )
            .values_list("report_id", "granted", "planned", "realised")
        )
    }
    # A draft's planned gains: its case's economy (gains are negative there).
    gains: dict[int, int] = {
        case_id: -int(total or 0)
        for case_id, total in (
            CaseEconomyLine.objects.filter(
                covered,
                case_id__in=FollowUpReport.objects.filter(
                    round=round_, status=ReportStatus.DRAFT
                ).values("case_id"),
                kind=EconomyKind.GAIN,
                year__isnull=False,
            )
            .order_by()
            .values("case_id")
            .annotate(total=Sum("amount"))
            .values_list("case_id", "total")
        )
    }
    lines = []
    n = len(ASPECTS)
    for (
        pk,
        status,
        department_id,
        code,
        name,
        case_id,
        title,
        expected_total,
        expected_date,
        granted_by_year,
        completion_date,
        source,
        *lights,
    ) in reports:
        granted, planned, realised = sums.get(pk, (0, 0, 0))
        submitted = status == ReportStatus.SUBMITTED
        if not submitted:
            granted = sum(int(v) for v in granted_by_year.values())
            planned = gains.get(case_id, 0)
        lines.append(
            ReportLine(
                pk=pk,
                status=status,
                department_id=department_id,
                department_code=code,
                department_name=name,
                case_title=title,
                judged=judge(
                    submitted=submitted,
                    granted_total=granted,
                    planned_to_date=planned,
                    realised_to_date=realised,
                    approved_date=completion_date,
                    expected_total=expected_total,
                    expected_date=expected_date,
                    frozen=dict(zip(ASPECTS, lights[:n], strict=True)),
                    overrides=dict(zip(ASPECTS, lights[n:], strict=True)),
                    t=t,
                ),
                granted_total=granted,
                expected_total=expected_total,
                rebaselined=source == BaselineSource.REBASELINE,
            )
        )
    lines.sort(
        key=lambda line: (SEVERITY[line.worst], line.department_name, line.case_title, line.pk)
    )
    return lines


@dataclass
class DepartmentCount:
    pk: int
    code: str
    name: str
    reports: int = 0
    submitted: int = 0
    red: int = 0

    @property
    def missing(self) -> int:
        return self.reports - self.submitted


@dataclass
class RoundOverview:
    """What a round's page says before its list: who has reported, and the lights."""

    total: int
    submitted: int
    # (aspect's label, reports per light), lights in the order of ``SEVERITY``
    light_counts: list[tuple[str, list[int]]]
    # worst light -> reports, red first
    worst_counts: list[tuple[str, int]]
    with_red: int
    departments: list[DepartmentCount]

    @property
    def missing(self) -> int:
        return self.total - self.submitted

    @property
    def missing_departments(self) -> list[DepartmentCount]:
        return [d for d in self.departments if d.missing]


def round_overview(lines: list[ReportLine]) -> RoundOverview:
    """The counts of a round's overview from its lines (no query)."""
    from .evaluation import aspect_labels

    labels = aspect_labels()
    by_aspect = {aspect: dict.fromkeys(SEVERITY, 0) for aspect in ASPECTS}
    worst = dict.fromkeys(SEVERITY, 0)
    departments: dict[int, DepartmentCount] = {}
    for line in lines:
        for aspect, light in line.lights.items():
            by_aspect[aspect][light] += 1
        worst[line.worst] += 1
        row = departments.setdefault(
            line.department_id,
            DepartmentCount(line.department_id, line.department_code, line.department_name),
        )
        row.reports += 1
        row.submitted += line.is_submitted
        row.red += line.has_red
    return RoundOverview(
        total=len(lines),
        submitted=sum(line.is_submitted for line in lines),
        light_counts=[(labels[aspect], list(by_aspect[aspect].values())) for aspect in ASPECTS],
        worst_counts=list(worst.items()),
        with_red=sum(line.has_red for line in lines),
        departments=sorted(departments.values(), key=lambda d: d.name),
    )
