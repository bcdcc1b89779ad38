"""The cross-cutting development and transition plan: frozen versions at the gates.

A version is its own rows, copied from the cases when the secretariat freezes
it; later edits of the cases never reach it (DESIGN: snapshots are not rebuilt
from history).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PlanGate(models.TextChoices):
    TRANSFER_CASE = "transfer_case", _("Transfer case (spring)")
    BUDGET_NEGOTIATIONS = "budget_negotiations", _("Budget negotiations (autumn)")
    OTHER = "other", _("Other occasion")


class PlanVersion(models.Model):
    """A frozen version of a cycle's plan, as it was put before a gate."""

    cycle = models.ForeignKey(
        "governance.BudgetCycle",
        on_delete=models.PROTECT,
        related_name="plan_versions",
        verbose_name=_("cycle"),
    )
    number = models.PositiveSmallIntegerField(_("version"))
    gate = models.CharField(_("gate"), max_length=30, choices=PlanGate.choices)
    note = models.TextField(_("note"), blank=True)
    price_year = models.PositiveSmallIntegerField(_("price level (p/l)"))
    frozen_at = models.DateTimeField(_("frozen"), default=timezone.now)
    frozen_by = models.ForeignKey(
        "portfolio.User",
        on_delete=models.PROTECT,
        related_name="frozen_plan_versions",
        verbose_name=_("frozen by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["cycle", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "number"],
                name="planversion_unique_number",
                violation_error_message=_("The cycle already has this plan version."),
            )
        ]

    def __str__(self):
        return _("Version %(number)s of the plan for %(cycle)s") % {
            "number": self.number,
            "cycle": self.cycle,
        }


class PlanVersionCase(models.Model):
    """One case as it stood in a frozen plan version."""

    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="cases", verbose_name=_("version")
    )
    # The live case, to link to; the snapshot's own fields are what the version says.
    case = models.ForeignKey(
        "portfolio.InvestmentCase",
        on_delete=models.SET_NULL,
        null=True,
        related_name="plan_snapshots",
        verbose_name=_("case"),
    )
    case_key = models.PositiveIntegerField(_("case number"))
    code = models.CharField(_("code"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=200)
    department_code = models.CharField(_("department"), max_length=10)
    department_name = models.CharField(_("department name"), max_length=200)
    scope = models.CharField(_("scope"), max_length=20)
    case_type = models.CharField(_("type"), max_length=20)
    state = models.CharField(_("state"), max_length=20)
    rank = models.PositiveIntegerField(_("rank"), null=True)
    themes = models.JSONField(_("themes"), default=list)
    potentials = models.JSONField(_("potentials"), default=list)
    # {"2027": {"investment_service": kr, "investment_anlaeg": kr, "operating": kr,
    #  "gain": kr}, ..., "permanent": {...}} at the version's price level.
    economy = models.JSONField(_("economy"), default=dict)
    payback_years = models.PositiveSmallIntegerField(_("payback (years)"), null=True)

    class Meta:
        verbose_name = _("case in a plan version")
        verbose_name_plural = _("cases in plan versions")
        ordering = ["version", models.F("rank").asc(nulls_last=True), "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "case_key"], name="planversioncase_unique_case"
            )
        ]

    def __str__(self):
        return f"{self.version}: {self.title}"


class PlanVersionAmount(models.Model):
    """What a case in a frozen version had from one channel in one year."""

    line = models.ForeignKey(
        PlanVersionCase, on_delete=models.CASCADE, related_name="amounts", verbose_name=_("case")
    )
    channel_kind = models.CharField(_("channel"), max_length=10)
    channel_name = models.CharField(_("channel name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    requested = models.BigIntegerField(_("requested (kr.)"), default=0)
    recommended = models.BigIntegerField(_("recommended (kr.)"), null=True)
    granted = models.BigIntegerField(_("granted (kr.)"), null=True)

    class Meta:
        verbose_name = _("amount in a plan version")
        verbose_name_plural = _("amounts in plan versions")
        ordering = ["line", "channel_kind", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "channel_kind", "year"], name="planversionamount_unique"
            )
        ]

    def __str__(self):
        return f"{self.line} {self.channel_kind} {self.year}"

    @property
    def planned(self) -> int:
        """The amount the plan counts on: granted, else recommended, else requested."""
        for value in (self.granted, self.recommended):
            if value is not None:
                return value
        return self.requested
