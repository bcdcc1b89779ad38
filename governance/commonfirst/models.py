"""Fælles først (principle 1): cases the secretariat marks as one cross-cutting candidate."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CrossCuttingCandidate(models.Model):
    """Similar cases of several departments that could become one cross-cutting case.

    The secretariat marks them while it qualifies; the departments see the
    marking on their case pages and can talk to each other before the next step.
    """

    cases = models.ManyToManyField(
        "portfolio.InvestmentCase",
        related_name="crosscutting_candidates",
        verbose_name=_("cases"),
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        "portfolio.User",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("marked by"),
    )
    created_at = models.DateTimeField(_("marked"), default=timezone.now)

    history = HistoricalRecords(m2m_fields=[cases])

    class Meta:
        verbose_name = _("cross-cutting candidate")
        verbose_name_plural = _("cross-cutting candidates")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Cross-cutting candidate %(pk)s") % {"pk": self.pk}
