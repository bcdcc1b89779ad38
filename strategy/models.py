"""The strategy frame that investment cases are anchored in."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Strategy(models.Model):
    """A joint digitalisation strategy of the municipality, e.g. 2024–2027."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    version = models.CharField(_("version"), max_length=20, default="1.0")
    starts_year = models.PositiveSmallIntegerField(_("first year"))
    ends_year = models.PositiveSmallIntegerField(_("last year"))
    vision = models.TextField(_("vision"), blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        ordering = ["-starts_year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_year__gte=models.F("starts_year")),
                name="strategy_years_ordered",
                violation_error_message=_("The last year cannot be before the first year."),
            )
        ]

    def __str__(self):
        return self.name


class Theme(models.Model):
    """One of the strategy's themes (e.g. "Arbejdskraft") with its goal statements."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="themes", verbose_name=_("strategy")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)
    headline = models.TextField(_("headline"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["strategy", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"],
                name="theme_unique_number",
                violation_error_message=_("The strategy already has a theme with this number."),
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"


class ThemeGoal(models.Model):
    """A goal statement of a theme: what the municipality commits to."""

    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, related_name="goals", verbose_name=_("theme")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("text"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal statement")
        verbose_name_plural = _("goal statements")
        ordering = ["theme", "order", "pk"]

    def __str__(self):
        return self.text[:80]


class FrameElement(models.Model):
    """Shared shape of the numbered elements of the plan frame."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        abstract = True
        ordering = ["number"]

    def __str__(self):
        return self.name


class Principle(FrameElement):
    """One of the three principles for digitalisation ("fælles først", …)."""

    history = HistoricalRecords()

    class Meta(FrameElement.Meta):
        verbose_name = _("principle")
        verbose_name_plural = _("principles")


class Ambition(FrameElement):
    """One of the three political ambitions for the digital area."""

    history = HistoricalRecords()

    class Meta(FrameElement.Meta):
        verbose_name = _("ambition")
        verbose_name_plural = _("ambitions")


class Potential(FrameElement):
    """One of the four potentials the transition plan's content must have."""

    history = HistoricalRecords()

    class Meta(FrameElement.Meta):
        verbose_name = _("potential")
        verbose_name_plural = _("potentials")


class DepartmentStrategy(models.Model):
    """A department's own digitalisation strategy (e.g. BIF's 2025–2027) within the joint one."""

    department = models.ForeignKey(
        "portfolio.Department",
        on_delete=models.CASCADE,
        related_name="strategies",
        verbose_name=_("department"),
    )
    name = models.CharField(_("name"), max_length=200)
    starts_year = models.PositiveSmallIntegerField(_("first year"))
    ends_year = models.PositiveSmallIntegerField(_("last year"))
    approved_by = models.CharField(_("approved by"), max_length=200, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department strategy")
        verbose_name_plural = _("department strategies")
        ordering = ["department", "-starts_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"],
                name="departmentstrategy_unique_name",
                violation_error_message=_("The department already has a strategy with this name."),
            ),
            models.CheckConstraint(
                condition=models.Q(ends_year__gte=models.F("starts_year")),
                name="departmentstrategy_years_ordered",
                violation_error_message=_("The last year cannot be before the first year."),
            ),
        ]

    def __str__(self):
        return self.name


class TargetKind(models.TextChoices):
    GREEN_SHARE = "green_share", _(
        "Computed: share of new approved investments with green requirements"
    )
    REALISED_GAINS = "realised_gains", _("Computed: efficiency gains realised to date")
    ENTERED = "entered", _("Entered per follow-up round")


class TargetUnit(models.TextChoices):
    PERCENT = "percent", _("per cent")
    KRONER = "kroner", _("kroner")
    SCORE = "score", _("score")


class TargetMetric(models.Model):
    """A measurable target of a department strategy ("green requirements on 80 %")."""

    strategy = models.ForeignKey(
        DepartmentStrategy,
        on_delete=models.CASCADE,
        related_name="targets",
        verbose_name=_("strategy"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("target"), max_length=250)
    kind = models.CharField(_("how it is measured"), max_length=20, choices=TargetKind.choices)
    unit = models.CharField(_("unit"), max_length=10, choices=TargetUnit.choices)
    # A range ("45–50 mio. kr.") has both; a single target only the low end.
    target_low = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_high = models.DecimalField(
        _("target, upper end"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    due_year = models.PositiveSmallIntegerField(_("by the year"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["strategy", "order", "pk"]

    def __str__(self):
        return self.name


class SignatureProject(models.Model):
    """One of a department strategy's signature projects, linked to the cases that carry it."""

    strategy = models.ForeignKey(
        DepartmentStrategy,
        on_delete=models.CASCADE,
        related_name="signature_projects",
        verbose_name=_("strategy"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    cases = models.ManyToManyField(
        "portfolio.InvestmentCase",
        blank=True,
        related_name="signature_projects",
        verbose_name=_("cases"),
    )

    history = HistoricalRecords(m2m_fields=[cases])

    class Meta:
        verbose_name = _("signature project")
        verbose_name_plural = _("signature projects")
        ordering = ["strategy", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"],
                name="signatureproject_unique_number",
                violation_error_message=_(
                    "The strategy already has a signature project with this number."
                ),
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"
