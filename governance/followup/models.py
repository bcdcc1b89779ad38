"""Semi-annual follow-up (halvårlig opfølgning): rounds, baselines, reports.

The secretariat opens a round in May or November; every approved or
in-progress case gets a report that its department fills in and submits. A
submitted report is a snapshot: its lights, its baseline and its year rows
(granted and planned gains as they stood) are its own rows and never change.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class Season(models.TextChoices):
    # With a context: plain "May" is Django's month name, which Danish writes in lower case.
    MAY = "may", pgettext_lazy("follow-up round", "May")
    NOVEMBER = "november", pgettext_lazy("follow-up round", "November")


class Light(models.TextChoices):
    """A traffic light; ``NONE`` when the report lacks what the light needs."""

    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")
    NONE = "none", _("Cannot be computed")


class FollowUpRound(models.Model):
    """One semi-annual follow-up (May or November of a year) with its thresholds.

    The red thresholds are set per round by the secretariat; yellow is at half
    of each (see ``governance.followup.lights``).
    """

    year = models.PositiveSmallIntegerField(_("year"))
    season = models.CharField(_("month"), max_length=10, choices=Season.choices)
    deadline = models.DateField(_("deadline for the reports"))
    cost_red_percent = models.DecimalField(
        _("cost: red above this overrun (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    cost_red_amount = models.BigIntegerField(
        _("cost: red above this overrun (kr.)"),
        default=5_000_000,
        validators=[MinValueValidator(0)],
    )
    schedule_red_months = models.PositiveSmallIntegerField(
        _("schedule: red when more than this many months late"), default=3
    )
    benefits_red_percent = models.DecimalField(
        _("benefits: red when this far behind the plan (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    opened_by = models.ForeignKey(
        "portfolio.User",
        on_delete=models.PROTECT,
        related_name="opened_followup_rounds",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up round")
        verbose_name_plural = _("follow-up rounds")
        ordering = ["-year", "-season"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "season"],
                name="followupround_unique_season",
                violation_error_message=_("There is already a follow-up round for this month."),
            )
        ]

    def __str__(self):
        return _("Follow-up %(month)s %(year)s") % {
            "month": self.get_season_display().lower(),
            "year": self.year,
        }

    def get_absolute_url(self):
        return reverse("governance:followup-round", args=[self.pk])

    @property
    def as_of(self) -> datetime.date:
        """The day the round reports on: the end of May or of November."""
        return (
            datetime.date(self.year, 5, 31)
            if self.season == Season.MAY
            else datetime.date(self.year, 11, 30)
        )

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.year, 0 if self.season == Season.MAY else 1)


class BaselineSource(models.TextChoices):
    GRANT = "grant", _("The Economic Committee's grant")
    ECONOMY = "economy", _("The case's economy (no grant recorded)")
    REBASELINE = "rebaseline", _("Rebaseline: a new decision of the Economic Committee")


class CaseBaseline(models.Model):
    """What a case is followed up against: the granted amounts and the approved end date.

    Never edited: a new decision of the Economic Committee on amounts or dates
    adds a new row (``source = rebaseline``), so the change is always visible.
    """

    case = models.ForeignKey(
        "portfolio.InvestmentCase",
        on_delete=models.CASCADE,
        related_name="followup_baselines",
        verbose_name=_("case"),
    )
    source = models.CharField(_("source"), max_length=20, choices=BaselineSource.choices)
    # {"2027": 1000000, ...}: whole kroner per year, at the case's price level.
    granted_by_year = models.JSONField(_("granted per year"), default=dict)
    completion_date = models.DateField(_("approved completion date"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_text = models.TextField(_("decision"), blank=True)
    created_by = models.ForeignKey(
        "portfolio.User",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("follow-up baseline")
        verbose_name_plural = _("follow-up baselines")
        # "case_id", not "case": "case" means the case's own order, a join to every case.
        ordering = ["case_id", "created_at", "pk"]

    def __str__(self):
        return f"{self.case}: {self.get_source_display()}"

    def clean(self):
        if self.source == BaselineSource.REBASELINE and (
            not self.decided_on or not self.decision_text.strip()
        ):
            raise ValidationError(
                _("A rebaseline needs the date and text of the Economic Committee's decision.")
            )

    @property
    def granted_total(self) -> int:
        return sum(int(v) for v in self.granted_by_year.values())

    def granted_in(self, year: int) -> int:
        return int(self.granted_by_year.get(str(year), 0))

    @property
    def is_rebaseline(self) -> bool:
        return self.source == BaselineSource.REBASELINE


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Not submitted")
    SUBMITTED = "submitted", _("Submitted")


class FollowUpReport(models.Model):
    """A department's report on one case in one follow-up round."""

    round = models.ForeignKey(
        FollowUpRound, on_delete=models.PROTECT, related_name="reports", verbose_name=_("round")
    )
    case = models.ForeignKey(
        "portfolio.InvestmentCase",
        on_delete=models.PROTECT,
        related_name="followup_reports",
        verbose_name=_("case"),
    )
    department = models.ForeignKey(
        "portfolio.Department",
        on_delete=models.PROTECT,
        related_name="followup_reports",
        verbose_name=_("department"),
    )
    baseline = models.ForeignKey(
        CaseBaseline,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("baseline"),
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous report"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    status_text = models.TextField(_("status"), blank=True)
    expected_total_cost = models.BigIntegerField(
        _("expected total cost (kr.)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    expected_completion = models.DateField(_("expected completion date"), null=True, blank=True)
    milestones = models.TextField(_("milestones reached"), blank=True)
    risks = models.TextField(_("risks"), blank=True)
    needs_from_circle = models.TextField(
        _("what is needed from the IT directors' circle"), blank=True
    )
    cost_override = models.CharField(
        _("cost light set by the department"), max_length=10, choices=Light.choices, blank=True
    )
    cost_override_reason = models.TextField(_("justification for the cost light"), blank=True)
    schedule_override = models.CharField(
        _("schedule light set by the department"), max_length=10, choices=Light.choices, blank=True
    )
    schedule_override_reason = models.TextField(
        _("justification for the schedule light"), blank=True
    )
    benefits_override = models.CharField(
        _("benefits light set by the department"), max_length=10, choices=Light.choices, blank=True
    )
    benefits_override_reason = models.TextField(
        _("justification for the benefits light"), blank=True
    )
    # The computed lights, frozen when the report is submitted (blank before).
    cost_light = models.CharField(_("cost light"), max_length=10, choices=Light.choices, blank=True)
    schedule_light = models.CharField(
        _("schedule light"), max_length=10, choices=Light.choices, blank=True
    )
    benefits_light = models.CharField(
        _("benefits light"), max_length=10, choices=Light.choices, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        "portfolio.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    last_reminded_on = models.DateField(_("last reminded"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "last_reminded_on"])

    class Meta:
        verbose_name = _("follow-up report")
        verbose_name_plural = _("follow-up reports")
        ordering = ["round", "department__name", "case__title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "case"],
                name="followupreport_unique_case",
                violation_error_message=_("The case already has a report in this round."),
            )
        ]

    def __str__(self):
        return f"{self.round}: {self.case}"

    def get_absolute_url(self):
        return reverse("governance:followup-report", args=[self.pk])

    @property
    def is_submitted(self) -> bool:
        return self.status == ReportStatus.SUBMITTED

    def clean(self):
        # An override of a computed light is only allowed with a written justification.
        problems = {}
        for aspect in ("cost", "schedule", "benefits"):
            if (
                getattr(self, f"{aspect}_override")
                and not getattr(self, f"{aspect}_override_reason").strip()
            ):
                problems[f"{aspect}_override_reason"] = _(
                    "Explain why the department sets another light than the computed one."
                )
        if problems:
            raise ValidationError(problems)


class FollowUpReportYear(models.Model):
    """One year of a report: spent and benefits realised, with the baseline beside them.

    ``granted`` and ``benefits_planned`` are copied in when the report is
    submitted, so the submitted report keeps the numbers it was judged on.
    """

    report = models.ForeignKey(
        FollowUpReport, on_delete=models.CASCADE, related_name="years", verbose_name=_("report")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    spent = models.BigIntegerField(_("spent (kr.)"), default=0, validators=[MinValueValidator(0)])
    benefits_realised = models.BigIntegerField(
        _("benefits realised (kr.)"), default=0, validators=[MinValueValidator(0)]
    )
    granted = models.BigIntegerField(_("granted (kr.)"), null=True, blank=True)
    benefits_planned = models.BigIntegerField(_("benefits planned (kr.)"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up year")
        verbose_name_plural = _("follow-up years")
        ordering = ["report", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "year"],
                name="followupreportyear_unique_year",
                violation_error_message=_("The report already has this year."),
            )
        ]

    def __str__(self):
        return f"{self.report} {self.year}"


class TargetEntry(models.Model):
    """A value of a department target that the product cannot compute, entered per round."""

    metric = models.ForeignKey(
        "strategy.TargetMetric",
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name=_("target"),
    )
    round = models.ForeignKey(
        FollowUpRound,
        on_delete=models.PROTECT,
        related_name="target_entries",
        verbose_name=_("round"),
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=300)
    entered_by = models.ForeignKey(
        "portfolio.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target value")
        verbose_name_plural = _("target values")
        ordering = ["metric", "-round__year", "-round__season"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "round"],
                name="targetentry_unique_round",
                violation_error_message=_("The target already has a value in this round."),
            )
        ]

    def __str__(self):
        return f"{self.metric}: {self.value}"
