"""The KITOS import: a dry run that reports, then one atomic import.

Both run as background jobs on an ``ImportJob`` row (see tasks.py). The dry
run writes nothing but the job's report: rows to create, rows that changed
(field by field), rows whose organisation unit is not mapped, row errors, and
register rows that the export no longer holds. The import repeats the same
plan inside one transaction and writes it with history; a row missing from
the export is flagged (``missing_since``), never deleted.
"""

import datetime
import logging
import uuid
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kkdigital.lib.errors import ServiceError

from ..permissions import is_secretariat
from . import kitos
from .models import (
    Contract,
    ImportJob,
    ImportKind,
    ImportStatus,
    ITSystem,
    OrgUnitMapping,
    RegisterSettings,
    normalise_unit,
)

logger = logging.getLogger(__name__)

BATCH = 500
# How many of each list the report keeps for the page (the counts are complete).
REPORT_LIMIT = 500
SYSTEM_FIELDS = ("name", "kitos_unit", "lifecycle", "business_critical", "supplier",
                 "user_count", "purpose")
CONTRACT_FIELDS = ("name", "contract_id", "kitos_unit", "supplier", "valid_from", "valid_to",
                   "irrevocable_until", "notice_months", "extension_options",
                   "procurement_strategy", "procurement_plan_quarter", "procurement_plan_year",
                   "procurement_initiated", "yearly_operating_cost", "acquisition_cost",
                   "system_uuids")
MODELS = {ImportKind.SYSTEMS: ITSystem, ImportKind.CONTRACTS: Contract}


def _fields(kind):
    return SYSTEM_FIELDS if kind == ImportKind.SYSTEMS else CONTRACT_FIELDS


def _chunks(items, size=BATCH):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _display(model, name, value) -> str:
    if value is None or value == "":
        return "–"
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def _label(model, name) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _prepare(values: dict, kind: str) -> dict:
    """Values as the model stores them."""
    values = dict(values)
    values.pop("contract_names", None)
    if kind == ImportKind.CONTRACTS and "system_uuids" in values:
        values["system_uuids"] = ",".join(str(u) for u in values["system_uuids"])
    return values


class Plan:
    """What an import of these rows would do to the register, as it is now."""

    def __init__(self, rows: list[kitos.ParsedRow], kind: str):
        self.kind = kind
        self.model = MODELS[kind]
        self.rows = rows
        self.errors: list[dict] = []
        self.warnings: list[dict] = []
        self.unmapped: dict[str, list[int]] = {}
        self.create: list[tuple[kitos.ParsedRow, dict]] = []
        self.change: list[tuple[kitos.ParsedRow, object, dict, list[dict]]] = []
        self.back: list[object] = []
        self.unchanged = 0
        self.missing: list[object] = []
        self._build()

    def _build(self):
        units = {
            m.kitos_unit: m.department_id for m in OrgUnitMapping.objects.all().only(
                "kitos_unit", "department_id"
            )
        }
        seen: dict = {}
        for row in self.rows:
            for message in row.errors:
                self.errors.append({"row": row.number, "message": message})
            for message in row.warnings:
                self.warnings.append({"row": row.number, "message": message})
            key = row.values.get("kitos_uuid")
            if key is not None:
                if key in seen:
                    self.errors.append({
                        "row": row.number,
                        "message": _("The UUID %(uuid)s is also in row %(other)s.")
                        % {"uuid": key, "other": seen[key]},
                    })
                else:
                    seen[key] = row.number
            unit = row.values.get("kitos_unit")
            if unit:
                department_id = units.get(normalise_unit(unit))
                if department_id is None:
                    self.unmapped.setdefault(unit, []).append(row.number)
                row.values["owner_department_id"] = department_id
        for unit, numbers in self.unmapped.items():
            self.errors.append({
                "row": numbers[0],
                "message": _(
                    "The organisation unit »%(unit)s« is not mapped to a department "
                    "(rows %(rows)s)."
                ) % {"unit": unit, "rows": ", ".join(map(str, numbers[:20]))
                     + (" …" if len(numbers) > 20 else "")},
            })
        existing = {}
        for chunk in _chunks(seen):
            for obj in self.model.objects.filter(kitos_uuid__in=chunk):
                existing[obj.kitos_uuid] = obj
        known_systems = {}
        if self.kind == ImportKind.CONTRACTS:
            wanted = {u for row in self.rows for u in row.values.get("system_uuids", ())}
            for chunk in _chunks(wanted):
                known_systems.update(
                    ITSystem.objects.filter(kitos_uuid__in=chunk).values_list("kitos_uuid", "pk")
                )
            for row in self.rows:
                unknown = [u for u in row.values.get("system_uuids", ()) if u not in known_systems]
                if unknown:
                    self.warnings.append({
                        "row": row.number,
                        "message": _("Systems not in the register (import the systems first): "
                                     "%(uuids)s") % {"uuids": ", ".join(map(str, unknown))},
                    })
        self.system_pks = known_systems
        bad_rows = {e["row"] for e in self.errors}
        for row in self.rows:
            if row.number in bad_rows or row.values.get("kitos_uuid") is None:
                continue
            values = _prepare(row.values, self.kind)
            obj = existing.get(values["kitos_uuid"])
            if obj is None:
                self.create.append((row, values))
                continue
            changes = []
            for name in (*_fields(self.kind), "owner_department_id"):
                if name not in values:
                    continue
                old = getattr(obj, name)
                if old != values[name]:
                    if name == "owner_department_id":
                        changes.append({"field": _label(self.model, "owner_department"),
                                        "old": str(old), "new": str(values[name])})
                    else:
                        changes.append({
                            "field": _label(self.model, name),
                            "old": _display(self.model, name, old),
                            "new": _display(self.model, name, values[name]),
                        })
            if changes:
                self.change.append((row, obj, values, changes))
            elif obj.missing_since is not None:
                self.back.append(obj)
            else:
                self.unchanged += 1
        in_file = set(seen)
        for obj in self.model.objects.filter(
            kitos_uuid__isnull=False, missing_since__isnull=True
        ).only("pk", "name", "kitos_uuid"):
            if obj.kitos_uuid not in in_file:
                self.missing.append(obj)

    def report(self) -> dict:
        return {
            "rows": len(self.rows),
            "errors": self.errors[:REPORT_LIMIT],
            "error_count": len(self.errors),
            "warnings": self.warnings[:REPORT_LIMIT],
            "warning_count": len(self.warnings),
            "unmapped_units": [
                {"unit": unit, "rows": numbers[:50], "count": len(numbers)}
                for unit, numbers in sorted(self.unmapped.items())
            ],
            "created": [
                {"row": row.number, "uuid": str(values["kitos_uuid"]), "name": values["name"]}
                for row, values in self.create[:REPORT_LIMIT]
            ],
            "created_count": len(self.create),
            "changed": [
                {"row": row.number, "uuid": str(obj.kitos_uuid), "name": values["name"],
                 "changes": changes}
                for row, obj, values, changes in self.change[:REPORT_LIMIT]
            ],
            "changed_count": len(self.change),
            "back_count": len(self.back),
            "unchanged_count": self.unchanged,
            "missing": [
                {"uuid": str(obj.kitos_uuid), "name": obj.name, "pk": obj.pk}
                for obj in self.missing[:REPORT_LIMIT]
            ],
            "missing_count": len(self.missing),
        }


def _queue(task_name: str, job_id: int) -> None:
    from . import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.delay(job_id), robust=True)


def import_job_create(*, actor, kind: str, file_name: str, content: bytes) -> ImportJob:
    """The secretariat uploads a KITOS export; it is checked in the background.

    The size and the package are checked at once, so that a wrong file is
    refused on the form.
    """
    if not is_secretariat(actor):
        raise PermissionDenied
    if kind not in ImportKind.values:
        raise ServiceError(_("Choose what the file holds."), {"kind": [_("Choose a kind.")]})
    try:
        kitos.check_file(content)
    except kitos.KitosFileError as error:
        raise ServiceError(error.message, {"file": [error.message]}) from error
    with transaction.atomic():
        job = ImportJob(kind=kind, file_name=file_name[:255], content=content, created_by=actor)
        job.full_clean(exclude=["content"])
        job.save()
        _queue("check_import_job", job.pk)
    return job


def import_job_check(*, job_id: int) -> ImportJob | None:
    """The dry run: read the file, plan the import, store the report. Writes nothing else.

    Idempotent: a job that has moved past checking is left alone.
    """
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in (ImportStatus.QUEUED, ImportStatus.CHECKING):
            return job
        job.status = ImportStatus.CHECKING
        job.started_at = timezone.now()
        job.rows_done = 0
        job.save(update_fields=["status", "started_at", "rows_done"])

    def progress(done):
        ImportJob.objects.filter(pk=job_id).update(rows_done=done)

    try:
        rows = kitos.read_rows(bytes(job.content), job.kind, progress=progress)
        report = Plan(rows, job.kind).report()
    except kitos.KitosFileError as error:
        return _fail(job_id, error.message)
    except Exception:
        logger.exception("KITOS import %s: the dry run failed", job_id)
        _fail(job_id, _("The file could not be checked."))
        raise
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        job.status = ImportStatus.CHECKED
        job.report = report
        job.rows_total = job.rows_done = report["rows"]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "report", "rows_total", "rows_done", "finished_at"])
    return job


def _fail(job_id: int, message: str) -> ImportJob:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        job.status = ImportStatus.FAILED
        job.error = str(message)
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
    return job


def import_job_recheck(*, actor, job_id: int) -> ImportJob:
    """Check the same file again, e.g. after the secretariat has mapped a unit."""
    if not is_secretariat(actor):
        raise PermissionDenied
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status not in (ImportStatus.CHECKED, ImportStatus.FAILED):
            raise ServiceError(_("The file is being checked or imported already."))
        job.status = ImportStatus.QUEUED
        job.error = ""
        job.report = {}
        job.rows_done = 0
        job.save(update_fields=["status", "error", "report", "rows_done"])
        _queue("check_import_job", job.pk)
    return job


def import_job_confirm(*, actor, job_id: int) -> ImportJob:
    """The secretariat imports a checked file without errors."""
    if not is_secretariat(actor):
        raise PermissionDenied
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status != ImportStatus.CHECKED:
            raise ServiceError(_("Only a checked file can be imported."))
        if job.report.get("error_count"):
            raise ServiceError(_("Correct the errors first: the file has rows with errors."))
        job.status = ImportStatus.IMPORT_QUEUED
        job.rows_done = 0
        job.save(update_fields=["status", "rows_done"])
        _queue("run_import_job", job.pk)
    return job


class _Progress:
    """Progress of the atomic import, written where the polling page can see it.

    Inside the import's transaction the job row's update would stay invisible,
    so on PostgreSQL progress goes through a second connection in autocommit;
    SQLite (the embedded demo, tasks run in-process) has nobody polling.
    """

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.connection = None
        if connection.vendor == "postgresql":
            self.connection = connections.create_connection("default")

    def _set(self, column: str, value: int) -> None:
        if self.connection is None:
            return
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET {column} = %s WHERE id = %s",
                [value, self.job_id],
            )

    def total(self, rows: int) -> None:
        self._set("rows_total", rows)

    def __call__(self, done: int) -> None:
        self._set("rows_done", done)

    def close(self):
        if self.connection is not None:
            self.connection.close()


# A job left "importing" this long ago belongs to a worker that died (the task's
# time limit is shorter): its transaction was rolled back, so it may run again.
STALE_IMPORT = datetime.timedelta(minutes=20)


def import_job_run(*, job_id: int) -> ImportJob | None:
    """The import: the dry run's plan, made again on the register as it is now and
    written in one transaction with history. Idempotent: runs once per confirmation.

    The job row is claimed in a short transaction of its own and not locked while
    the rows are written, so that the progress (written on a second connection)
    can reach it; imports are serialised on the register's settings row.
    """
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return None
        stale = (
            job.status == ImportStatus.IMPORTING
            and job.started_at is not None
            and job.started_at < timezone.now() - STALE_IMPORT
        )
        if job.status != ImportStatus.IMPORT_QUEUED and not stale:
            return job
        job.status = ImportStatus.IMPORTING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
        RegisterSettings.objects.get_or_create(pk=1)
    progress = _Progress(job_id)
    try:
        with transaction.atomic():
            RegisterSettings.objects.select_for_update().get(pk=1)
            job = ImportJob.objects.select_related("created_by").get(pk=job_id)
            rows = kitos.read_rows(bytes(job.content), job.kind)
            plan = Plan(rows, job.kind)
            if plan.errors:
                raise ServiceError(_("The register has changed since the check: check again."))
            progress.total(len(rows))
            _write(plan, actor=job.created_by, progress=progress)
            job.report = {**plan.report(), "imported": True}
            job.status = ImportStatus.DONE
            job.rows_total = job.rows_done = len(rows)
            job.finished_at = timezone.now()
            job.save(update_fields=["report", "status", "rows_total", "rows_done",
                                    "finished_at"])
    except (ServiceError, kitos.KitosFileError) as error:
        return _fail(job_id, error.message)
    except Exception:
        logger.exception("KITOS import %s failed", job_id)
        _fail(job_id, _("The import failed; nothing was changed."))
        raise
    finally:
        progress.close()
    return job


def _write(plan: Plan, *, actor, progress: Callable[[int], None]) -> None:
    model = plan.model
    now = timezone.now()
    reason = _("KITOS import")
    lead = RegisterSettings.load().tender_lead_months
    done = 0
    contracts_systems: dict = {}
    new_objects = []
    for _row, values in plan.create:
        obj = model(**values, imported_at=now)
        if plan.kind == ImportKind.CONTRACTS:
            obj.decision_date = obj.compute_decision_date(lead)
        new_objects.append(obj)
    for chunk in _chunks(new_objects):
        created = bulk_create_with_history(
            chunk, model, batch_size=BATCH, default_user=actor, default_change_reason=reason
        )
        if plan.kind == ImportKind.CONTRACTS:
            if any(obj.pk is None for obj in created):
                pks = dict(model.objects.filter(
                    kitos_uuid__in=[o.kitos_uuid for o in created]
                ).values_list("kitos_uuid", "pk"))
                for obj in created:
                    obj.pk = pks[obj.kitos_uuid]
            for obj in created:
                contracts_systems[obj.pk] = obj.system_uuids
        done += len(chunk)
        progress(done)
    changed_fields = set()
    changed_objects = []
    for _row, obj, values, _changes in plan.change:
        for name, value in values.items():
            if name != "kitos_uuid" and getattr(obj, name) != value:
                setattr(obj, name, value)
                changed_fields.add(name)
        obj.imported_at = now
        obj.missing_since = None
        if plan.kind == ImportKind.CONTRACTS:
            obj.decision_date = obj.compute_decision_date(lead)
            contracts_systems[obj.pk] = obj.system_uuids
        changed_objects.append(obj)
    for obj in plan.back:
        obj.missing_since = None
        obj.imported_at = now
        changed_objects.append(obj)
    fields = sorted(changed_fields | {"imported_at", "missing_since"})
    if plan.kind == ImportKind.CONTRACTS and changed_fields:
        fields.append("decision_date")
    for chunk in _chunks(changed_objects):
        bulk_update_with_history(
            chunk, model, fields, batch_size=BATCH, default_user=actor,
            default_change_reason=reason,
        )
        done += len(chunk)
        progress(done)
    for obj in plan.missing:
        obj.missing_since = now
    for chunk in _chunks(plan.missing):
        bulk_update_with_history(
            chunk, model, ["missing_since"], batch_size=BATCH, default_user=actor,
            default_change_reason=_("Missing from the KITOS export"),
        )
    if contracts_systems:
        through = Contract.systems.through
        for chunk in _chunks(contracts_systems):
            through.objects.filter(contract_id__in=chunk).delete()
        links = [
            through(contract_id=contract_pk, itsystem_id=plan.system_pks[uuid])
            for contract_pk, uuids in contracts_systems.items()
            for uuid in _uuid_list(uuids)
            if uuid in plan.system_pks
        ]
        through.objects.bulk_create(links, batch_size=BATCH)


def _uuid_list(text: str):
    return [uuid.UUID(part) for part in (text or "").split(",") if part]
