"""Export jobs: a collected note or a spreadsheet made in the background."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportKind(models.TextChoices):
    PLAN_PDF = "plan_pdf", _("Collected budget note of the plan (PDF)")
    PLAN_XLSX = "plan_xlsx", _("The plan as a spreadsheet (xlsx)")


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class ExportJob(models.Model):
    """One export the secretariat asked for: saved first, then run by a worker.

    The row is the job's whole story: what, which plan version, who asked and
    when, how far it got, why it failed, and the finished file under MEDIA_ROOT.
    """

    kind = models.CharField(_("export"), max_length=20, choices=ExportKind.choices)
    cycle = models.ForeignKey(
        "governance.BudgetCycle",
        on_delete=models.PROTECT,
        related_name="export_jobs",
        verbose_name=_("cycle"),
    )
    # "working" or the id of a frozen plan version (governance.notes.plan).
    version_key = models.CharField(_("plan version key"), max_length=40, default="working")
    version_label = models.CharField(_("plan version"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ExportState.choices, default=ExportState.QUEUED,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    error = models.TextField(_("why it failed"), blank=True)
    file = models.FileField(_("file"), upload_to="exports/", max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="export_jobs",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    # When the job was last handed to the broker (the sweeper re-queues old ones).
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    started_at = models.DateTimeField(_("running since"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "queued_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.cycle}"

    @property
    def is_finished(self) -> bool:
        return self.state == ExportState.DONE

    @property
    def is_pending(self) -> bool:
        return self.state in (ExportState.QUEUED, ExportState.RUNNING)

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""
