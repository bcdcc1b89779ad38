"""A department strategy's targets, computed where the product can compute them.

- green share: of the department's new approved investments (cases approved,
  in progress or completed, in the cycles of the strategy's years, re-tendering
  excluded: it is not new), the share with green requirements;
- realised gains: the efficiency gains realised to date, summed over the
  department's cases from each case's latest submitted follow-up report;
- other targets: the value entered for the latest round, with its source.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, Sum
from django.utils.translation import gettext as _

from kkdigital.lib.money import format_number
from portfolio.models import CaseState, CaseType, InvestmentCase
from strategy.models import DepartmentStrategy, SignatureProject, TargetKind, TargetMetric

from .models import FollowUpReport, FollowUpReportYear, ReportStatus, TargetEntry

APPROVED_STATES = (CaseState.APPROVED, CaseState.IN_PROGRESS, CaseState.COMPLETED)


@dataclass
class TargetStatus:
    metric: TargetMetric
    value: Decimal | None
    value_text: str
    target_text: str
    basis: str  # how the value was found, or the entry's source
    met: bool | None  # None: not known or not due yet

    @property
    def is_computed(self) -> bool:
        return self.metric.kind != TargetKind.ENTERED


def green_share(department, strategy) -> tuple[int, int]:
    """(cases with green requirements, new approved investments) of the strategy's years."""
    cases = InvestmentCase.objects.filter(
        department=department,
        state__in=APPROVED_STATES,
        cycle__budget_year__gte=strategy.starts_year,
        cycle__budget_year__lte=strategy.ends_year,
    ).exclude(case_type=CaseType.RETENDER)
    return cases.filter(green_requirements=True).count(), cases.count()


def realised_gains(department) -> int:
    """Gains realised to date: per case, its latest submitted report's years."""
    latest: dict[int, int] = {}
    for report_id, case_id in (
        FollowUpReport.objects.filter(department=department, status=ReportStatus.SUBMITTED)
        .order_by("case_id", "-round__year", "-round__season", "-pk")
        .values_list("pk", "case_id")
    ):
        latest.setdefault(case_id, report_id)
    total = FollowUpReportYear.objects.filter(report_id__in=latest.values()).aggregate(
        s=Sum("benefits_realised")
    )["s"]
    return int(total or 0)


def _decimal(value) -> str:
    """80 → "80", 3.90 → "3,9": no exponent, Danish decimal comma."""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")


def _mio(value) -> str:
    return format_number(int((Decimal(value) / 1_000_000).quantize(Decimal(1), ROUND_HALF_UP)))


def _target_text(metric) -> str:
    low, high = metric.target_low, metric.target_high
    if low is None:
        return _("No number set")
    if metric.unit == "kroner":
        text = (
            _("%(low)s–%(high)s mio. kr.") % {"low": _mio(low), "high": _mio(high)}
            if high is not None
            else _("%(low)s mio. kr.") % {"low": _mio(low)}
        )
    elif metric.unit == "percent":
        text = _("%(low)s %%") % {"low": _decimal(low)}
    else:
        text = _decimal(low)
    if metric.due_year:
        text = _("%(target)s by %(year)s") % {"target": text, "year": metric.due_year}
    return text


def target_statuses(strategy, entries: dict[int, TargetEntry]) -> list[TargetStatus]:
    statuses = []
    for metric in strategy.targets.all():
        if metric.kind == TargetKind.GREEN_SHARE:
            green, total = green_share(strategy.department, strategy)
            value = (Decimal(green * 100) / total).quantize(Decimal("0.1")) if total else None
            statuses.append(
                TargetStatus(
                    metric=metric,
                    value=value,
                    value_text=(
                        _("%(share)s %% (%(green)s of %(total)s cases)")
                        % {"share": _decimal(value), "green": green, "total": total}
                        if total
                        else _("No approved investments yet")
                    ),
                    target_text=_target_text(metric),
                    basis=_(
                        "Computed from the department's approved cases "
                        "in Budget %(first)s–%(last)s."
                    )
                    % {"first": strategy.starts_year, "last": strategy.ends_year},
                    met=None
                    if value is None or metric.target_low is None
                    else value >= metric.target_low,
                )
            )
        elif metric.kind == TargetKind.REALISED_GAINS:
            gains = realised_gains(strategy.department)
            statuses.append(
                TargetStatus(
                    metric=metric,
                    value=Decimal(gains),
                    value_text=_("%(amount)s kr. realised to date")
                    % {"amount": format_number(gains)},
                    target_text=_target_text(metric),
                    basis=_("Computed from the cases' latest submitted follow-up reports."),
                    met=None if metric.target_low is None or gains < metric.target_low else True,
                )
            )
        else:
            entry = entries.get(metric.pk)
            statuses.append(
                TargetStatus(
                    metric=metric,
                    value=entry.value if entry else None,
                    value_text=(
                        _("%(value)s (%(round)s)")
                        % {"value": _decimal(entry.value), "round": entry.round}
                        if entry
                        else _("Not entered yet")
                    ),
                    target_text=_target_text(metric),
                    basis=entry.source if entry else "",
                    met=None,
                )
            )
    return statuses


def department_strategy_context(user, department) -> dict:
    """The department's strategies with their targets and signature projects (the plan page)."""
    strategies = list(
        DepartmentStrategy.objects.filter(department=department)
        .select_related("department")
        .prefetch_related(
            "targets",
            Prefetch(
                "signature_projects",
                queryset=SignatureProject.objects.prefetch_related("cases"),
            ),
        )
        .order_by("-starts_year")
    )
    if not strategies:
        return {"department_strategies": []}
    metric_ids = [m.pk for s in strategies for m in s.targets.all()]
    entries: dict[int, TargetEntry] = {}
    for entry in (
        TargetEntry.objects.filter(metric_id__in=metric_ids)
        .select_related("round")
        .order_by("metric_id", "-round__year", "-round__season")
    ):
        entries.setdefault(entry.metric_id, entry)
    case_ids = [c.pk for s in strategies for p in s.signature_projects.all() for c in p.cases.all()]
    readable = set(
        InvestmentCase.objects.visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True)
    )
    from .permissions import can_manage_rounds, is_department_user

    return {
        "may_enter": can_manage_rounds(user)
        or (is_department_user(user) and user.department_id == department.pk),
        "department_strategies": [
            {
                "strategy": strategy,
                "targets": target_statuses(strategy, entries),
                "projects": [
                    {
                        "project": project,
                        "cases": [c for c in project.cases.all() if c.pk in readable],
                    }
                    for project in strategy.signature_projects.all()
                ],
            }
            for strategy in strategies
        ],
    }
