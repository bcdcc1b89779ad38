"""The KITOS import: the sample files, the dry run, the atomic import, re-imports."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from portfolio.register import imports
from portfolio.register.models import (
    BusinessCritical,
    Contract,
    ImportJob,
    ImportStatus,
    ITSystem,
    Lifecycle,
)

from .factories_register import OrgUnitMappingFactory

DATA = Path(__file__).parent / "data"
SYSTEMS = DATA / "kitos_systemer.xlsx"
CONTRACTS = DATA / "kitos_kontrakter.xlsx"


@pytest.fixture
def mapped(department, other_department):
    OrgUnitMappingFactory(kitos_unit="Beskæftigelses- og Integrationsforvaltningen",
                          department=department)
    OrgUnitMappingFactory(kitos_unit="Jobcenter København", department=department)
    OrgUnitMappingFactory(kitos_unit="Sundheds- og Omsorgsforvaltningen",
                          department=other_department)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a service and the background job it queues (tasks run in-process)."""

    def call(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            job = service(**kwargs)
        job.refresh_from_db()
        return job

    return call


def upload(run, actor, path_or_bytes, kind="systems"):
    content = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    return run(imports.import_job_create, actor=actor, kind=kind, file_name="eksport.xlsx",
               content=content)


def edited(path, changes):
    """The sample workbook with cells changed: {(row, column title): value}."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    titles = {cell.value: cell.column for cell in sheet[1]}
    for (row, title), value in changes.items():
        if value is None and title is None:
            sheet.delete_rows(row)
            continue
        sheet.cell(row=row, column=titles[title], value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_the_dry_run_changes_nothing(mapped, secretariat, run):
    job = upload(run, secretariat, SYSTEMS)

    assert job.status == ImportStatus.CHECKED
    assert job.report["created_count"] == 8
    assert job.report["error_count"] == 0
    assert [row["row"] for row in job.report["created"]][:2] == [2, 3]
    assert ITSystem.objects.count() == 0
    assert ITSystem.history.count() == 0


def test_the_import_creates_rows_with_history(mapped, secretariat, department, run):
    job = upload(run, secretariat, SYSTEMS)
    job = run(imports.import_job_confirm, actor=secretariat, job_id=job.pk)

    assert job.status == ImportStatus.DONE
    assert ITSystem.objects.count() == 8
    system = ITSystem.objects.get(name="Sagsbehandlingssystem A")
    assert system.owner_department == department
    assert system.lifecycle == Lifecycle.IN_OPERATION
    assert system.business_critical == BusinessCritical.YES
    assert system.user_count == ">100"
    assert str(system.kitos_uuid) == "5a1e0000-0000-4000-8000-000000000001"
    (entry,) = system.history.all()
    assert entry.history_user == secretariat
    assert entry.history_change_reason == "KITOS-import"
    # The job unit of the Jobcenter is mapped to BIF too.
    assert ITSystem.objects.get(name="Booking af samtaler").owner_department == department


def test_contracts_link_their_systems_and_get_decision_dates(mapped, secretariat, run):
    run(imports.import_job_confirm, actor=secretariat,
        job_id=upload(run, secretariat, SYSTEMS).pk)
    job = upload(run, secretariat, CONTRACTS, kind="contracts")
    assert job.report["error_count"] == 0, job.report["errors"]
    run(imports.import_job_confirm, actor=secretariat, job_id=job.pk)

    contract = Contract.objects.get(name="Driftsaftale sagsbehandling")
    assert sorted(contract.systems.values_list("name", flat=True)) == [
        "Booking af samtaler", "Sagsbehandlingssystem A"
    ]
    assert contract.procurement_plan_quarter == 3 and contract.procurement_plan_year == 2027
    assert contract.notice_months == 6
    assert contract.yearly_operating_cost == 2_400_000
    # 30-06-2028 − 6 months' notice − 18 months' lead time.
    assert str(contract.decision_date) == "2026-06-30"
    # Irrevocable until 31-12-2028 is later than valid to: 3 months' notice + 18.
    assert str(Contract.objects.get(name="Omsorgskontrakt").decision_date) == "2027-03-31"
    assert Contract.objects.get(name="Sensorafprøvning").decision_date is None
    assert contract.history.count() == 1


def test_a_changed_reimport_updates_by_uuid_and_reports_the_change(mapped, secretariat, run):
    run(imports.import_job_confirm, actor=secretariat,
        job_id=upload(run, secretariat, SYSTEMS).pk)
    before = ITSystem.objects.get(name="Omsorgsjournal")

    changed = edited(SYSTEMS, {(5, "Leverandør"): "Leverandør Zeta A/S",
                               (5, "Livscyklus"): "Under udfasning"})
    job = upload(run, secretariat, changed)
    assert job.report["changed_count"] == 1
    assert job.report["created_count"] == 0
    assert job.report["unchanged_count"] == 7
    (row,) = job.report["changed"]
    assert row["row"] == 5
    assert {"field": "leverandør", "old": "Leverandør Delta A/S",
            "new": "Leverandør Zeta A/S"} in row["changes"]
    assert {"field": "livscyklus", "old": "I drift", "new": "Under udfasning"} in row["changes"]

    job = run(imports.import_job_confirm, actor=secretariat, job_id=job.pk)
    after = ITSystem.objects.get(kitos_uuid=before.kitos_uuid)
    assert after.pk == before.pk
    assert after.supplier == "Leverandør Zeta A/S"
    assert after.lifecycle == Lifecycle.PHASING_OUT
    assert after.history.count() == 2
    assert job.report["changed_count"] == 1 and job.report["imported"] is True


def test_a_system_missing_from_the_new_export_is_flagged_not_removed(mapped, secretariat, run):
    run(imports.import_job_confirm, actor=secretariat,
        job_id=upload(run, secretariat, SYSTEMS).pk)
    without_row_9 = edited(SYSTEMS, {(9, None): None})

    job = upload(run, secretariat, without_row_9)
    assert job.report["missing_count"] == 1
    assert job.report["missing"][0]["name"] == "Fælles mødebooking"
    run(imports.import_job_confirm, actor=secretariat, job_id=job.pk)

    system = ITSystem.objects.get(name="Fælles mødebooking")
    assert system.missing_since is not None
    assert ITSystem.objects.count() == 8

    # Back in the next export: the flag goes.
    job = upload(run, secretariat, SYSTEMS)
    assert job.report["back_count"] == 1
    run(imports.import_job_confirm, actor=secretariat, job_id=job.pk)
    system.refresh_from_db()
    assert system.missing_since is None


def test_an_unmapped_unit_is_reported_not_guessed(department, other_department, secretariat,
                                                  run):
    OrgUnitMappingFactory(kitos_unit="Beskæftigelses- og Integrationsforvaltningen",
                          department=department)
    OrgUnitMappingFactory(kitos_unit="Sundheds- og Omsorgsforvaltningen",
                          department=other_department)

    job = upload(run, secretariat, SYSTEMS)

    assert job.report["unmapped_units"] == [
        {"unit": "Jobcenter København", "rows": [3], "count": 1}
    ]
    assert job.report["error_count"] == 1
    assert "Jobcenter København" in job.report["errors"][0]["message"]
    with pytest.raises(imports.ServiceError):
        imports.import_job_confirm(actor=secretariat, job_id=job.pk)
    assert ITSystem.objects.count() == 0

    # The secretariat maps the unit and checks the same file again.
    OrgUnitMappingFactory(kitos_unit="  jobcenter  københavn ", department=department)
    job = run(imports.import_job_recheck, actor=secretariat, job_id=job.pk)
    assert job.report["error_count"] == 0
    assert job.report["created_count"] == 8


def test_row_errors_name_the_row_and_the_column(mapped, secretariat, run):
    bad = edited(CONTRACTS, {(3, "Gyldig til"): "31-13-2027",
                             (4, "Genanskaffelsesplan"): "tredje kvartal",
                             (5, "Opsigelse (måneder)"): "seks"})
    job = upload(run, secretariat, bad, kind="contracts")

    errors = {(e["row"], e["message"].split("«")[0].strip("»")) for e in job.report["errors"]}
    assert errors == {(3, "Gyldig til"), (4, "Genanskaffelsesplan"), (5, "Opsigelse (måneder)")}
    assert "dd-mm-åååå" in job.report["errors"][0]["message"]


def test_the_file_is_checked_before_it_is_parsed(mapped, secretariat, settings):
    with pytest.raises(imports.ServiceError) as refused:
        imports.import_job_create(actor=secretariat, kind="systems", file_name="x.xlsx",
                                  content=b"IT System;UUID\n")
    assert "Excel" in refused.value.message
    settings.KK_KITOS_IMPORT_MAX_BYTES = 1024
    with pytest.raises(imports.ServiceError) as refused:
        imports.import_job_create(actor=secretariat, kind="systems", file_name="x.xlsx",
                                  content=SYSTEMS.read_bytes())
    assert "større end" in refused.value.message
    assert ImportJob.objects.count() == 0


def test_the_kitos_export_has_its_own_limit_not_the_admin_imports(client, mapped,
                                                                  secretariat, settings):
    # KITOS's export of a whole register is larger than any master-data file.
    settings.KK_IMPORT_MAX_BYTES = 1024
    settings.KK_KITOS_IMPORT_MAX_BYTES = 2 * 1024 * 1024
    client.force_login(secretariat)
    page = client.get(reverse("register:import-list")).content.decode()
    assert "eksport giver, højst 2 MB." in page
    with SYSTEMS.open("rb") as handle:
        response = client.post(reverse("register:import-list"),
                               {"kind": "systems", "file": handle})

    assert response.status_code == 302
    assert ImportJob.objects.get().file_name == SYSTEMS.name
    assert len(SYSTEMS.read_bytes()) > settings.KK_IMPORT_MAX_BYTES


def test_a_zip_that_is_not_a_workbook_is_refused(secretariat):
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("readme.txt", "ikke et regneark")
    with pytest.raises(imports.ServiceError):
        imports.import_job_create(actor=secretariat, kind="systems", file_name="x.xlsx",
                                  content=buffer.getvalue())


def test_only_the_secretariat_imports(mapped, staff, director):
    for user in (staff, director):
        with pytest.raises(PermissionDenied):
            imports.import_job_create(actor=user, kind="systems", file_name="x.xlsx",
                                      content=SYSTEMS.read_bytes())


def test_running_the_import_job_twice_imports_once(mapped, secretariat, run):
    job = upload(run, secretariat, SYSTEMS)
    run(imports.import_job_confirm, actor=secretariat, job_id=job.pk)

    imports.import_job_run(job_id=job.pk)
    imports.import_job_check(job_id=job.pk)

    assert ITSystem.objects.count() == 8
    assert ITSystem.history.count() == 8
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE


def test_the_import_pages_are_for_the_secretariat(client, staff, mapped):
    url = reverse("register:import-list")
    assert client.get(url).status_code == 302
    client.force_login(staff)
    assert client.get(url).status_code == 403


def test_the_upload_page_checks_the_file_and_polls_the_job(client, secretariat, mapped):
    client.force_login(secretariat)
    with SYSTEMS.open("rb") as handle:
        # Not executing on-commit: the job stays queued, as it is while a worker is busy.
        response = client.post(reverse("register:import-list"),
                               {"kind": "systems", "file": handle})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()

    page = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert page.status_code == 200
    assert 'hx-trigger="every 2s"' in page.content.decode()
    assert "<html" not in page.content.decode()


def test_the_upload_form_shows_a_danish_error_next_to_the_field(client, secretariat, mapped):
    client.force_login(secretariat)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("register:import-list"), {
        "kind": "systems", "file": SimpleUploadedFile("liste.xlsx", b"ikke et regneark"),
    })
    assert response.status_code == 200
    assert "Filen er ikke en Excel-projektmappe (.xlsx)." in response.content.decode()


def test_the_export_neutralises_text_that_starts_like_a_formula(client, mapped, secretariat,
                                                                run):
    run(imports.import_job_confirm, actor=secretariat,
        job_id=upload(run, secretariat, SYSTEMS).pk)
    client.force_login(secretariat)

    response = client.get(reverse("register:system-list"), {"format": "csv"})

    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK(" in text
    assert ";=HYPERLINK(" not in text
