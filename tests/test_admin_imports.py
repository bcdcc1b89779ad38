"""Admin import and export: limits before parsing, types checked by content, and
formula cells neutralised on export."""

import io
import zipfile
from unittest import mock

import openpyxl
import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV

from kkdigital.imports import SafeImportExportMixin
from portfolio.models import Department

IMPORT_URL = reverse("admin:portfolio_department_import")
EXPORT_URL = reverse("admin:portfolio_department_export")
HEADER = b"id,code,name,note_prefix\n"


@pytest.fixture
def secretary(client, secretariat):
    call_command("setup_roles", verbosity=0)
    client.force_login(secretariat)
    return secretariat


def upload(client, content: bytes, name="afdelinger.csv", fmt="0"):
    return client.post(IMPORT_URL, {
        "resource": "0", "format": fmt,
        "import_file": SimpleUploadedFile(name, content, content_type="text/csv"),
    })


def refused(response, words):
    assert response.status_code == 200
    page = response.content.decode()
    assert words in page, page[:3000]
    assert "confirm_import" not in page and "Bekræft import" not in page


def test_every_admin_with_import_or_export_has_the_limits():
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, ImportExportMixin):
            assert isinstance(model_admin, SafeImportExportMixin), model._meta.label


def test_an_oversized_file_is_refused_before_it_is_parsed(client, secretary, settings):
    settings.KK_IMPORT_MAX_BYTES = 4096
    rows = b"".join(b",X%d,Forvaltning %d,Y%d\n" % (i, i, i) for i in range(400))
    with mock.patch.object(CSV, "create_dataset") as parse:
        response = upload(client, HEADER + rows)
    parse.assert_not_called()
    refused(response, "for stor")
    assert not Department.objects.filter(code="X1").exists()


def test_a_request_larger_than_the_limit_is_refused_unread(client, secretary, settings):
    settings.KK_IMPORT_MAX_BYTES = 1024
    content = HEADER + b",X1,Forvaltning,Y1\n" * 5000
    with mock.patch.object(CSV, "create_dataset") as parse:
        response = upload(client, content)
    parse.assert_not_called()
    assert response.status_code == 302


def test_too_many_rows_are_refused(client, secretary, settings):
    settings.KK_IMPORT_MAX_ROWS = 3
    rows = b"".join(b",X%d,F%d,Y%d\n" % (i, i, i) for i in range(5))
    refused(upload(client, HEADER + rows), "for mange rækker")


@pytest.mark.parametrize("content", [b"\x00\x01\x02binary\x00", b"PK\x03\x04zipped",
                                     "navn;kode\nÆble".encode("latin-1")])
def test_a_csv_that_is_not_utf8_text_is_refused(client, secretary, content):
    refused(upload(client, content), "CSV")


def test_a_file_called_xlsx_that_is_not_a_workbook_is_refused(client, secretary):
    refused(upload(client, HEADER + b",X1,F,Y\n", name="afdelinger.xlsx", fmt="1"),
            "Excel")


def test_a_zip_bomb_named_xlsx_is_refused_unopened(client, secretary, settings):
    settings.KK_IMPORT_MAX_BYTES = 64 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (30 * 1024 * 1024))
    refused(upload(client, buffer.getvalue(), name="bombe.xlsx", fmt="1"), "for stor")


def test_a_small_good_csv_goes_on_to_the_confirmation(client, secretary):
    response = upload(client, HEADER + ",TMF,Teknik- og Miljøforvaltningen,TM\n".encode())
    assert response.status_code == 200
    assert "Teknik- og Miljøforvaltningen" in response.content.decode()
    assert "for stor" not in response.content.decode()


FORMULA = "=cmd|' /C calc'!A0"


def export(client, fmt):
    return client.post(EXPORT_URL, {"format": fmt, "resource": "0",
                                    "departmentresource_code": "on",
                                    "departmentresource_name": "on",
                                    "departmentresource_note_prefix": "on"})


def test_the_csv_export_neutralises_formula_cells(client, secretary):
    Department.objects.create(code="FX", name=FORMULA, note_prefix="@A1")
    response = export(client, "0")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "'" + FORMULA in text
    assert "'@A1" in text
    assert "\n=cmd" not in text and ",=cmd" not in text


def test_the_xlsx_export_neutralises_formula_cells(client, secretary):
    Department.objects.create(code="FX", name=FORMULA, note_prefix="+1")
    response = export(client, "1")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "'" + FORMULA in values and "'+1" in values
    assert FORMULA not in values
