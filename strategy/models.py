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
