"""The three financing channels for digital investments and their capacity."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ChannelKind(models.TextChoices):
    FRAME = "frame", _("Multi-year frame")
    LOAN = "loan", _("Internal loan for re-tendering")
    POOL = "pool", _("Investment and innovation pool")


class FinancingChannel(models.Model):
    """A way a digital investment can be financed, with the criteria it sets."""

    kind = models.CharField(_("kind"), max_length=10, choices=ChannelKind.choices, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    criteria = models.TextField(_("criteria"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("financing channel")
        verbose_name_plural = _("financing channels")
        ordering = ["kind"]

    def __str__(self):
        return self.name


class ChannelCapacity(models.Model):
    """How much a channel can give in one year: a hard limit for allocations."""

    channel = models.ForeignKey(
        FinancingChannel,
        on_delete=models.CASCADE,
        related_name="capacities",
        verbose_name=_("channel"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.BigIntegerField(_("capacity (kr.)"))
    price_year = models.PositiveSmallIntegerField(_("price level (p/l)"))
    # Demo figures must never be mistaken for decided amounts.
    is_demo = models.BooleanField(_("demo figure"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("channel capacity")
        verbose_name_plural = _("channel capacities")
        ordering = ["channel", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "year"],
                name="channelcapacity_unique_year",
                violation_error_message=_("The channel already has a capacity for this year."),
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="channelcapacity_amount_nonnegative",
                violation_error_message=_("A capacity cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.channel} {self.year}"
