"""The exports page: start a plan export, follow its progress, download the file."""

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from governance.views.prioritisation import chosen_cycle
from kkdigital.lib.errors import ServiceError
from kkdigital.lib.http import no_store
from portfolio.permissions import security_log

from ..notes.money import financing_available
from ..notes.permissions import can_read_plan_documents, can_start_exports
from . import services
from .models import ExportJob, ExportKind, ExportState


def visible_jobs(user):
    """The exports a user may see: the secretariat all, plan readers the finished ones."""
    if can_start_exports(user):
        return ExportJob.objects.all()
    if can_read_plan_documents(user):
        return ExportJob.objects.filter(state=ExportState.DONE)
    return ExportJob.objects.none()


def _job_for(user, pk) -> ExportJob:
    job = visible_jobs(user).select_related("cycle", "created_by").filter(pk=pk).first()
    if job is None:
        security_log.warning("refused 404 user=%s export=%s", user.pk, pk)
        raise Http404("No such export.")
    return job


@login_required
@no_store
def export_list(request):
    if not can_read_plan_documents(request.user):
        security_log.warning("refused 403 user=%s view=export_list", request.user.pk)
        raise PermissionDenied
    cycle = chosen_cycle(request)
    jobs = visible_jobs(request.user).filter(cycle=cycle).select_related("created_by")[:50]
    return render(
        request,
        "governance/exports/export_list.html",
        {
            "cycle": cycle,
            "jobs": jobs,
            "kinds": ExportKind.choices,
            "versions": cycle.plan_versions.order_by("-number"),
            "may_start": can_start_exports(request.user),
            "financing_available": financing_available(),
        },
    )


@login_required
@require_POST
def export_start_view(request):
    if not can_start_exports(request.user):
        security_log.warning("refused 403 user=%s view=export_start", request.user.pk)
        raise PermissionDenied
    cycle = chosen_cycle(request)
    kind = request.POST.get("kind", "")
    version = None
    version_pk = request.POST.get("version", "working")
    if version_pk != "working":
        if not version_pk.isdigit():
            raise Http404("No such plan version.")
        version = get_object_or_404(cycle.plan_versions, pk=version_pk)
    started = time.monotonic()
    try:
        job = services.export_start(actor=request.user, kind=kind, cycle=cycle, version=version)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(f"{_list_url()}?cycle={cycle.pk}")
    job.refresh_from_db()
    if job.queued_at is None and job.state == ExportState.QUEUED:
        messages.warning(request, job.step)
    else:
        messages.success(request, _("The export has started. You can follow it below."))
    services.log.info("export %s started in %.2f s", job.pk, time.monotonic() - started)
    return redirect(f"{_list_url()}?cycle={cycle.pk}#job-{job.pk}")


@login_required
@require_POST
def export_restart_view(request, pk):
    if not can_start_exports(request.user):
        raise PermissionDenied
    job = _job_for(request.user, pk)
    try:
        services.export_restart(actor=request.user, job_pk=job.pk)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The export has been started again."))
    return redirect(f"{_list_url()}?cycle={job.cycle_id}#job-{job.pk}")


@login_required
@require_GET
@no_store
def export_row(request, pk):
    """The job's row, polled by htmx every 2 s while the job waits or runs."""
    job = _job_for(request.user, pk)
    return render(
        request,
        "governance/exports/partials/_job_row.html",
        {"job": job, "may_start": can_start_exports(request.user)},
    )


@login_required
@require_GET
@no_store
def export_download(request, pk):
    job = _job_for(request.user, pk)
    if not job.is_finished or not job.file:
        raise Http404("The export has no file yet.")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is gone.") from error
    return FileResponse(handle, as_attachment=True, filename=job.filename)


def _list_url():
    from django.urls import reverse

    return reverse("governance:export-list")
