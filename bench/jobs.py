"""The jobs of point 3 of the issue, timed once each (they take seconds).

- **The collected PDF of a 100-case plan version**: a frozen version of the
  first 100 cases (in rank order) of the cycle's latest plan version, exported
  as the secretariat starts it (``export_start``) and rendered by the export
  task (``run_export``) called synchronously in a process of its own
  (``bench.worker``), which reports the task's time and the process's peak
  memory; in the smoke test, in this process (no memory).
- **An import of 5.000 economy lines**: BIF's spreadsheet of 250 new cases with
  20 economy cells each, uploaded by BIF staff through the import page (the
  dry run: a POST of the file) and imported (a POST of the preview's token),
  as the browser does it, CSRF token included.
- **The KITOS import of the whole register**: the systems as KITOS would
  export them (every system of the volume, every tenth with a new supplier),
  uploaded by the secretariat (``import_job_create``: the dry run, which reads
  and checks every row) and imported (``import_job_confirm`` and the run); then
  the contracts the same way. At scale 10 that is 16.000 and 20.000 rows.
"""

import io
import time

import openpyxl

from .builder import Portfolio
from .measure import MeasurementError, Result
from .queries import QueryCount

SYSTEM_HEADERS = ["IT System", "IT-System (UUID)", "Ansv. organisationsenhed", "Livscyklus",
                  "Forretningskritisk IT-system", "Leverandør", "Antal brugere", "Formål"]


def kitos_systems_file() -> tuple[bytes, int]:
    """The register's systems as a KITOS export (xlsx) and the number of rows."""
    from portfolio.register.kitos import LIFECYCLE_VALUES
    from portfolio.register.models import BusinessCritical, ITSystem

    lifecycle = {}
    for text, value in LIFECYCLE_VALUES.items():
        lifecycle.setdefault(value, text)
    critical = {BusinessCritical.YES: "Ja", BusinessCritical.NO: "Nej",
                BusinessCritical.UNKNOWN: "Ved ikke"}
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("IT Systemer")
    sheet.append(SYSTEM_HEADERS)
    rows = 0
    for number, system in enumerate(
        ITSystem.objects.order_by("pk").values_list(
            "name", "kitos_uuid", "kitos_unit", "lifecycle", "business_critical", "supplier",
            "user_count", "purpose",
        ).iterator(chunk_size=2000)
    ):
        name, uuid, unit, life, crit, supplier, users, purpose = system
        if number % 10 == 0:
            supplier = f"{supplier} (ny leverandør)"
        sheet.append([name, str(uuid), unit, lifecycle.get(life, ""), critical.get(crit, ""),
                      supplier, users, purpose])
        rows += 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), rows


CONTRACT_HEADERS = ["IT Kontrakt", "IT Kontrakt (UUID)", "Kontrakt ID", "Ansvarlig org. enhed",
                    "Leverandør", "Gyldig fra", "Gyldig til", "Uopsigelig til",
                    "Opsigelse (måneder)", "Option", "Genanskaffelsesstrategi",
                    "Genanskaffelsesplan", "Genanskaffelse igangsat", "Drift/år", "Anskaffelse",
                    "IT Systemer (UUID)"]


def kitos_contracts_file() -> tuple[bytes, int]:
    """The register's contracts as KITOS's contract overview (xlsx), with the UUIDs of
    the systems each covers, and the number of rows; every tenth costs more to run."""
    from portfolio.register.models import Contract

    covers: dict[int, list[str]] = {}
    for contract_pk, system_uuid in Contract.systems.through.objects.values_list(
        "contract_id", "itsystem__kitos_uuid"
    ).iterator(chunk_size=5000):
        if system_uuid is not None:
            covers.setdefault(contract_pk, []).append(str(system_uuid))

    def day(value):
        return f"{value:%d-%m-%Y}" if value else ""

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("IT Kontrakter")
    sheet.append(CONTRACT_HEADERS)
    rows = 0
    for number, contract in enumerate(
        Contract.objects.order_by("pk").values(
            "pk", "name", "kitos_uuid", "contract_id", "kitos_unit", "supplier", "valid_from",
            "valid_to", "irrevocable_until", "notice_months", "extension_options",
            "procurement_strategy", "procurement_plan_quarter", "procurement_plan_year",
            "procurement_initiated", "yearly_operating_cost", "acquisition_cost",
        ).iterator(chunk_size=2000)
    ):
        cost = contract["yearly_operating_cost"]
        if number % 10 == 0 and cost is not None:
            cost += 10_000
        plan = (f"Q{contract['procurement_plan_quarter']} | {contract['procurement_plan_year']}"
                if contract["procurement_plan_year"] else "")
        initiated = {True: "Ja", False: "Nej"}.get(contract["procurement_initiated"], "")
        sheet.append([
            contract["name"], str(contract["kitos_uuid"]), contract["contract_id"],
            contract["kitos_unit"], contract["supplier"], day(contract["valid_from"]),
            day(contract["valid_to"]), day(contract["irrevocable_until"]),
            contract["notice_months"], contract["extension_options"],
            contract["procurement_strategy"], plan, initiated, cost,
            contract["acquisition_cost"], " ".join(sorted(covers.get(contract["pk"], []))),
        ])
        rows += 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), rows


def measure_kitos_import(portfolio: Portfolio) -> list[Result]:
    """The secretariat imports KITOS's systems, then its contracts (which link systems)."""
    from django.conf import settings

    secretariat = portfolio.users["anne.jeppesen"]
    results = []
    for kind, what, make_file in (("systems", "systems", kitos_systems_file),
                                  ("contracts", "contracts", kitos_contracts_file)):
        content, rows = make_file()
        if len(content) > settings.KK_KITOS_IMPORT_MAX_BYTES:
            # Measured anyway, but said: the app would refuse this file.
            raise MeasurementError(
                f"KITOS import of {rows} {what}: the file ({len(content) // 1024} kB) is over "
                f"KK_KITOS_IMPORT_MAX_BYTES ({settings.KK_KITOS_IMPORT_MAX_BYTES // 1024} kB)"
            )
        results += _import(secretariat, kind, what, content, rows)
    return results


def _import(secretariat, kind: str, what: str, content: bytes, rows: int) -> list[Result]:
    from portfolio.register import imports
    from portfolio.register.models import ImportJob, ImportStatus

    def job_status(pk):
        return ImportJob.objects.values_list("status", flat=True).get(pk=pk)

    with QueryCount() as queries:
        start = time.perf_counter()
        job = imports.import_job_create(actor=secretariat, kind=kind,
                                        file_name=f"kitos-{what}.xlsx", content=content)
        if job_status(job.pk) == ImportStatus.QUEUED:
            # Inside a transaction (the smoke test) on_commit has not run the check.
            imports.import_job_check(job_id=job.pk)
        checked = time.perf_counter() - start
    check_queries = len(queries)
    job.refresh_from_db()
    if job.status != ImportStatus.CHECKED or job.report.get("error_count"):
        raise MeasurementError(f"KITOS import: the check ended {job.status}: {job.report}")
    with QueryCount() as queries:
        start = time.perf_counter()
        imports.import_job_confirm(actor=secretariat, job_id=job.pk)
        if job_status(job.pk) == ImportStatus.IMPORT_QUEUED:
            imports.import_job_run(job_id=job.pk)
        imported = time.perf_counter() - start
    import_queries = len(queries)
    if job_status(job.pk) != ImportStatus.DONE:
        raise MeasurementError(f"KITOS import: the run ended {job_status(job.pk)}")
    size = len(content)
    return [
        Result(f"KITOS import, {rows} {what}: dry run (upload and check)", secretariat.username,
               [checked], check_queries, size),
        Result(f"KITOS import, {rows} {what}: import", secretariat.username,
               [imported], import_queries, size),
    ]


# --- The collected PDF of a plan version -------------------------------------------------


PLAN_PDF_CASES = 100


def plan_version_of(portfolio: Portfolio, cases: int):
    """A frozen plan version of the cycle's first ``cases`` cases in rank order: the rows
    of its latest version (frozen by ``plan_freeze``), copied as ``plan_freeze`` writes
    them, so that the collected note has exactly that many cases."""
    from governance.plans.models import PlanVersion, PlanVersionAmount, PlanVersionCase

    cycle = portfolio.cycle
    latest = PlanVersion.objects.filter(cycle=cycle).order_by("-number").first()
    if latest is None:
        raise MeasurementError("The cycle has no frozen plan version to export.")
    rows = list(latest.cases.filter(case__isnull=False).order_by("rank", "title")[:cases])
    amounts = list(PlanVersionAmount.objects.filter(line__in=rows))
    version = PlanVersion(cycle=cycle, number=latest.number + 1, gate=latest.gate,
                          note=f"Benchmark: de første {len(rows)} sager.",
                          price_year=latest.price_year, frozen_by=latest.frozen_by)
    version.full_clean()
    version._history_user = latest.frozen_by
    version.save()
    old_pks = [row.pk for row in rows]
    for row in rows:
        row.pk = None
        row.version = version
    PlanVersionCase.objects.bulk_create(rows)
    new_pk = dict(zip(old_pks, [row.pk for row in rows], strict=True))
    for amount in amounts:
        amount.pk = None
        amount.line_id = new_pk[amount.line_id]
    PlanVersionAmount.objects.bulk_create(amounts)
    return version


def measure_plan_pdf(portfolio: Portfolio, *, cases: int = PLAN_PDF_CASES,
                     in_worker: bool = True) -> Result:
    """The secretariat exports the collected note of a ``cases``-case plan version; the
    export task renders it, in a worker process of its own (``in_worker``) whose peak
    memory is reported, or here (the smoke test: its data is in an open transaction)."""
    import tempfile
    from unittest import mock

    from django.test.utils import override_settings

    from governance.exports import services
    from governance.exports.models import ExportJob, ExportKind, ExportState

    from .worker import run_in_worker, run_task

    secretariat = portfolio.users["anne.jeppesen"]
    version = plan_version_of(portfolio, cases)
    with tempfile.TemporaryDirectory(prefix="kk-bench-media-") as media, \
            override_settings(MEDIA_ROOT=media):
        # Started as the secretariat starts it; the broker is left out (the job stays
        # queued) so that the task runs where it is measured, not eagerly here.
        with mock.patch.object(services, "enqueue"):
            job = services.export_start(actor=secretariat, kind=ExportKind.PLAN_PDF,
                                        cycle=portfolio.cycle, version=version)
        if in_worker:
            measured = run_in_worker("run_export", job.pk, media_root=media)
        else:
            measured = run_task("run_export", job.pk)
        job = ExportJob.objects.get(pk=job.pk)
        if job.state != ExportState.DONE:
            raise MeasurementError(f"plan PDF: the export ended {job.state}: {job.error}")
        size = job.file.size
    name = f"collected plan PDF, {version.cases.count()} cases (export task)"
    other = (measured["seconds"] - measured["html_seconds"] - measured["layout_seconds"]
             - measured["write_seconds"])
    note = (f"{name}: {other:.1f} s reading the cases and building their sections (and "
            f"saving), {measured['html_seconds']:.1f} s writing the HTML, "
            f"{measured['layout_seconds']:.1f} s laying it out and "
            f"{measured['write_seconds']:.1f} s writing the PDF (WeasyPrint); "
            f"{size // 1024} kB")
    if in_worker:
        name += f"; worker peak memory {measured['peak_mb']:.0f} MB"
        note += (f"; the worker process's own peak memory {measured['peak_mb']:.0f} MB, of "
                 f"which {measured['setup_mb']:.0f} MB after Django's setup, before the task")
    return Result(name, secretariat.username, [measured["seconds"]], measured["queries"], size,
                  note=note)


# --- An import of economy lines ------------------------------------------------------------


ECONOMY_IMPORT_LINES = 5_000
LINES_PER_CASE = 20


def economy_import_file(portfolio: Portfolio, lines: int) -> tuple[bytes, int]:
    """BIF's spreadsheet of new cases (the template's columns, in Danish), each with
    ``LINES_PER_CASE`` economy cells filled, ``lines`` in all; and the number of rows."""
    from django.utils import translation

    from governance.spreadsheets import imports
    from governance.spreadsheets.writer import Column, Sheet, xlsx_bytes
    from portfolio.models import CaseScope, CaseType, EconomyKind, RiskLevel

    cycle = portfolio.cycle
    n_cases = -(-lines // LINES_PER_CASE)
    with translation.override("da"):
        columns = imports._headers(cycle.out_years)
        # The cells filled: investment, operating cost, re-tendering and gains per year
        # and permanently, and the first years' capital investment (anlæg).
        economy_keys = [key for key, _h, _k, _w in columns if isinstance(key, tuple)]
        economy_keys = economy_keys[:LINES_PER_CASE]
        texts = {
            "title": "Benchmark-import {n}: selvbetjening",
            "summary": "Ny digital løsning fra afdelingens eget regneark ({n}).",
            "case_type": CaseType.DIGITAL_SOLUTION.label,
            "scope": CaseScope.DEPARTMENT.label,
            "background": "Borgerne venter for længe på svar.",
            "solution": "En digital selvbetjening.",
            "risk_level": RiskLevel.LOW.label,
            "risk_text": "",
            "contact_name": "Mette Holm",
            "contact_email": "mette.holm@kk.dk",
        }
        rows = []
        written = 0
        for n in range(1, n_cases + 1):
            row = []
            filled = min(LINES_PER_CASE, lines - written)
            amounts = {key: (100_000 + 1_000 * ((n * 7 + i) % 50))
                       * (-1 if key[0] == EconomyKind.GAIN else 1)
                       for i, key in enumerate(economy_keys[:filled])}
            written += filled
            for key, _header, _kind, _width in columns:
                if isinstance(key, tuple):
                    row.append(amounts.get(key))
                elif key in ("id", "code", "state"):
                    row.append(None)
                else:
                    row.append(str(texts[key]).format(n=n))
            rows.append(row)
        sheet = Sheet(title="Sager",
                      columns=[Column(header, kind, width) for _k, header, kind, width in columns],
                      rows=rows, note="Benchmark")
        return xlsx_bytes([sheet]), written


def measure_economy_import(portfolio: Portfolio, *, lines: int = ECONOMY_IMPORT_LINES
                           ) -> list[Result]:
    """BIF staff upload their spreadsheet (the dry run) and import it, through the import
    page as the browser does: the upload POST, then the POST of the preview's token."""
    import re
    import tempfile

    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from portfolio.models import CaseEconomyLine, InvestmentCase

    staff = portfolio.users["mette.holm"]
    bif = portfolio.departments["BIF"]
    content, written = economy_import_file(portfolio, lines)
    url = reverse("governance:sheet-import", args=[bif.code, portfolio.cycle.budget_year])
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    before = CaseEconomyLine.objects.count()
    with tempfile.TemporaryDirectory(prefix="kk-bench-media-") as media, \
            override_settings(MEDIA_ROOT=media):
        page = client.get(url)
        if page.status_code != 200:
            raise MeasurementError(f"economy import: {url} answered {page.status_code}")
        csrf = client.cookies["csrftoken"].value
        upload = io.BytesIO(content)
        upload.name = "bif-sager.xlsx"
        with QueryCount() as queries:
            start = time.perf_counter()
            dry = client.post(url, {"file": upload, "csrfmiddlewaretoken": csrf})
            checked = time.perf_counter() - start
        check_queries = len(queries)
        token = re.search(rb'name="token" value="([^"]+)"', dry.content)
        if dry.status_code != 200 or token is None:
            raise MeasurementError(f"economy import: the dry run answered {dry.status_code} "
                                   "without a preview to confirm")
        with QueryCount() as queries:
            start = time.perf_counter()
            done = client.post(url, {"token": token[1].decode(), "csrfmiddlewaretoken": csrf})
            imported = time.perf_counter() - start
        import_queries = len(queries)
    created = CaseEconomyLine.objects.count() - before
    if done.status_code != 302 or created != written:
        raise MeasurementError(f"economy import: the import answered {done.status_code} and "
                               f"wrote {created} of {written} economy lines")
    rows = InvestmentCase.objects.filter(title__startswith="Benchmark-import").count()
    name = f"import of {written} economy lines ({rows} new cases, BIF)"
    return [
        Result(f"{name}: dry run (upload POST)", staff.username, [checked], check_queries,
               len(dry.content)),
        Result(f"{name}: import (confirm POST)", staff.username, [imported], import_queries,
               len(content)),
    ]
