"""A report's figures and lights: one place, read by the report page, the round and the ØU report.

Works on prefetched rows only (``report.years``, ``report.baseline``,
``report.case.economy_lines``, ``report.round``), so a list of reports costs
no query per report.
"""

import datetime
from dataclasses import dataclass, field

from . import lights as rules
from .baseline import planned_gains_by_year, years_covered
from .models import FollowUpReport, Light, ReportStatus

ASPECTS = ("cost", "schedule", "benefits")
# Red first, then yellow, green, and the lights that cannot be computed.
SEVERITY = {Light.RED: 0, Light.YELLOW: 1, Light.NONE: 2, Light.GREEN: 3}


@dataclass
class YearFigures:
    year: int
    granted: int
    spent: int
    planned: int
    realised: int
    covered: bool  # the round reports realised figures for this year


@dataclass
class AspectLight:
    aspect: str
    label: str
    computed: str
    explanation: str
    override: str = ""
    override_reason: str = ""

    @property
    def effective(self) -> str:
        """What the report shows first: the computed light unless overridden."""
        return self.override or self.computed

    @property
    def is_overridden(self) -> bool:
        return bool(self.override) and self.override != self.computed


@dataclass
class ReportFigures:
    report: FollowUpReport
    years: list[YearFigures]
    granted_total: int
    spent_to_date: int
    expected_total: int | None
    planned_to_date: int
    realised_to_date: int
    planned_total: int
    realised_total: int
    approved_date: datetime.date
    expected_date: datetime.date | None
    lights: list[AspectLight] = field(default_factory=list)

    @property
    def worst(self) -> str:
        return min((a.effective for a in self.lights), key=SEVERITY.__getitem__)

    @property
    def red_lights(self) -> list[AspectLight]:
        return [a for a in self.lights if Light.RED in (a.computed, a.override)]


@dataclass
class ReportLine:
    """One report as a round's overview counts and sorts it: who, which case, its lights.

    The lights are judged by the same rules as ``evaluate`` from a few columns per
    report (``governance.followup.selectors.round_lines``), so that a round of a
    thousand reports is counted without a thousand model rows.
    """

    pk: int
    status: str
    department_id: int
    department_code: str
    department_name: str
    case_title: str
    # aspect -> (computed or frozen light, the department's override or "")
    judged: dict[str, tuple[str, str]]
    # What the round's list shows beside the lights (as ``ReportFigures``).
    granted_total: int = 0
    expected_total: int | None = None
    rebaselined: bool = False
    # Each aspect's effective light: the override, else the computed one.
    lights: dict[str, str] = field(init=False)
    worst: str = field(init=False)
    # Red computed or set by the department (as ``ReportFigures.red_lights``).
    has_red: bool = field(init=False)

    def __post_init__(self):
        # Every line of a round is sorted by its worst light and counted by all three, so
        # they are set here (a cached_property takes a lock on its first read in 3.11).
        self.lights = {
            aspect: override or computed for aspect, (computed, override) in self.judged.items()
        }
        self.worst = min(self.lights.values(), key=SEVERITY.__getitem__)
        self.has_red = any(Light.RED in pair for pair in self.judged.values())

    @property
    def is_submitted(self) -> bool:
        return self.status == ReportStatus.SUBMITTED


def judge(
    *,
    submitted: bool,
    granted_total: int,
    planned_to_date: int,
    realised_to_date: int,
    approved_date: datetime.date,
    expected_total: int | None,
    expected_date: datetime.date | None,
    frozen: dict[str, str],
    overrides: dict[str, str],
    t: rules.Thresholds,
) -> dict[str, tuple[str, str]]:
    """A report's lights from its figures: (computed, override) per aspect.

    The figures are those of ``evaluate``: the granted total, and the gains planned and
    realised in the years the round covers. A submitted report keeps the lights frozen
    at submission; ``evaluate`` tells the same lights with their explanations.
    """
    computed = {
        "cost": lambda: rules.cost_level(granted=granted_total, expected=expected_total, t=t),
        "schedule": lambda: rules.schedule_level(
            approved=approved_date, expected=expected_date, t=t
        ),
        "benefits": lambda: rules.benefits_level(
            planned=planned_to_date, realised=realised_to_date, t=t
        ),
    }
    return {
        aspect: (
            (frozen.get(aspect, "") if submitted else "") or computed[aspect](),
            overrides.get(aspect, ""),
        )
        for aspect in ASPECTS
    }


def aspect_labels() -> dict[str, str]:
    from django.utils.translation import gettext as _

    return {"cost": _("Cost"), "schedule": _("Schedule"), "benefits": _("Benefits")}


def evaluate(report: FollowUpReport) -> ReportFigures:
    """The figures and the three lights of a report.

    A submitted report is judged on its own snapshot rows (granted and
    planned as they stood); a draft on the current baseline and business case.
    """
    rows = list(report.years.all())
    baseline = report.baseline
    if report.is_submitted:
        granted = {r.year: int(r.granted or 0) for r in rows}
        planned = {r.year: int(r.benefits_planned or 0) for r in rows}
    else:
        granted = {int(y): int(v) for y, v in baseline.granted_by_year.items()}
        planned = planned_gains_by_year(report.case)
    by_year = {r.year: r for r in rows}
    all_years = sorted(set(by_year) | set(granted) | set(planned))
    covered = set(years_covered(report.round, all_years))
    years = [
        YearFigures(
            year=y,
            granted=granted.get(y, 0),
            spent=int(by_year[y].spent) if y in by_year else 0,
            planned=planned.get(y, 0),
            realised=int(by_year[y].benefits_realised) if y in by_year else 0,
            covered=y in covered,
        )
        for y in all_years
    ]
    figures = ReportFigures(
        report=report,
        years=years,
        granted_total=sum(granted.values()),
        spent_to_date=sum(y.spent for y in years),
        expected_total=report.expected_total_cost,
        planned_to_date=sum(y.planned for y in years if y.covered),
        realised_to_date=sum(y.realised for y in years if y.covered),
        planned_total=sum(y.planned for y in years),
        realised_total=sum(y.realised for y in years),
        approved_date=baseline.completion_date,
        expected_date=report.expected_completion,
    )
    t = rules.Thresholds.of(report.round)
    computed = {
        "cost": rules.cost_light(
            granted=figures.granted_total, expected=figures.expected_total, t=t
        ),
        "schedule": rules.schedule_light(
            approved=figures.approved_date, expected=figures.expected_date, t=t
        ),
        "benefits": rules.benefits_light(
            planned=figures.planned_to_date, realised=figures.realised_to_date, t=t
        ),
    }
    labels = aspect_labels()
    for aspect in ASPECTS:
        result = computed[aspect]
        frozen = getattr(report, f"{aspect}_light") if report.is_submitted else ""
        figures.lights.append(
            AspectLight(
                aspect=aspect,
                label=labels[aspect],
                computed=frozen or result.light,
                explanation=result.explanation,
                override=getattr(report, f"{aspect}_override"),
                override_reason=getattr(report, f"{aspect}_override_reason"),
            )
        )
    return figures
