"""Spreadsheets in: template, checks before parsing, dry run, atomic import."""

import io
import re
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from governance.spreadsheets import imports
from portfolio.models import CaseEconomyLine, CaseState, EconomyKind, InvestmentCase

from .factories_notes import complete_case


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cases(department, other_department, cycle):
    first = complete_case(department=department, cycle=cycle, title="Kladde et",
                          state=CaseState.DRAFT)
    second = complete_case(department=department, cycle=cycle, title="Kladde to",
                           state=CaseState.RETURNED)
    submitted = complete_case(department=department, cycle=cycle, title="Indsendt",
                              state=CaseState.SUBMITTED)
    foreign = complete_case(department=other_department, cycle=cycle, title="Fremmed",
                            state=CaseState.DRAFT)
    return first, second, submitted, foreign


def url(department, cycle, name="governance:sheet-import"):
    return reverse(name, args=[department.code, cycle.budget_year])


def download_template(client, department, cycle):
    response = client.get(url(department, cycle, "governance:sheet-import-template"))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def column_of(sheet, header):
    for cell in sheet[2]:
        if cell.value == header:
            return cell.column
    raise AssertionError(f"no column {header}")


def row_of(sheet, case):
    for row in sheet.iter_rows(min_row=3):
        if row[0].value == case.pk:
            return row[0].row
    raise AssertionError(f"no row for case {case.pk}")


def as_upload(book, name="sager.xlsx"):
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = name
    return out


def economy(case):
    return {(line.kind, line.year): line.amount for line in case.economy_lines.all()}


@pytest.mark.django_db
def test_a_round_trip_changes_exactly_three_amounts_and_adds_one_case(
    client, staff, department, cycle, cases
):
    first, second, _submitted, _foreign = cases
    all_lines_before = {
        (line.case_id, line.kind, line.year): line.amount
        for line in CaseEconomyLine.objects.all()
    }
    client.force_login(staff)
    book = download_template(client, department, cycle)
    sheet = book.active
    assert sheet.cell(row=2, column=1).value == "Sagsnr."
    assert [sheet.cell(row=r, column=1).value for r in range(3, 6)] == sorted(
        c.pk for c in cases[:3]
    )
    inv_2027 = column_of(sheet, "Investering 2027")
    gain_2030 = column_of(sheet, "Gevinst 2030")
    op_2029 = column_of(sheet, "Driftsudgift 2029")
    assert column_of(sheet, "Investering, anlæg 2027")
    assert sheet.cell(row=row_of(sheet, first), column=inv_2027).value == 2_400_000
    sheet.cell(row=row_of(sheet, first), column=inv_2027, value=2_600_000)
    sheet.cell(row=row_of(sheet, first), column=gain_2030, value=-2_250_000)
    sheet.cell(row=row_of(sheet, second), column=op_2029, value=350_000)
    new_row = sheet.max_row + 1
    sheet.cell(row=new_row, column=column_of(sheet, "Titel"), value="Ny sag fra regnearket")
    sheet.cell(row=new_row, column=column_of(sheet, "Type"), value="Platform")
    sheet.cell(row=new_row, column=inv_2027, value=500_000)

    preview = client.post(url(department, cycle), {"file": as_upload(book)})
    html = preview.content.decode()
    assert preview.status_code == 200, html
    assert "Importen opretter 1 sager og ændrer 2 sager." in html
    assert "Investering 2027:</strong> 2.400.000 → 2.600.000 kr." in html
    assert "Ny sag fra regnearket" in html and "Ny sag" in html
    assert not InvestmentCase.objects.filter(title="Ny sag fra regnearket").exists()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)

    done = client.post(url(department, cycle), {"token": token})
    assert done.status_code == 302
    after = {
        (line.case_id, line.kind, line.year): line.amount
        for line in CaseEconomyLine.objects.exclude(case__title="Ny sag fra regnearket")
    }
    changed = {k: (all_lines_before.get(k), v) for k, v in after.items()
               if all_lines_before.get(k) != v}
    assert changed == {
        (first.pk, EconomyKind.INVESTMENT, 2027): (2_400_000, 2_600_000),
        (first.pk, EconomyKind.GAIN, 2030): (-2_000_000, -2_250_000),
        (second.pk, EconomyKind.OPERATING, 2029): (300_000, 350_000),
    }
    assert set(all_lines_before) == set(after)
    new = InvestmentCase.objects.get(title="Ny sag fra regnearket")
    assert (new.department, new.cycle, new.state, new.case_type) == (
        department, cycle, CaseState.DRAFT, "platform")
    assert economy(new) == {(EconomyKind.INVESTMENT, 2027): 500_000}
    line = CaseEconomyLine.objects.get(case=first, kind=EconomyKind.INVESTMENT, year=2027)
    record = line.history.latest()
    assert record.history_user == staff
    assert record.history_change_reason == "Importeret fra et regneark"
    assert new.history.latest().history_user == staff
    first.refresh_from_db()
    assert first.version == 2 and first.title == "Kladde et"
    assert InvestmentCase.objects.count() == 5


@pytest.mark.django_db
def test_rows_of_another_department_or_of_a_case_no_longer_editable_are_refused(
    client, staff, department, cycle, cases
):
    first, _second, submitted, foreign = cases
    client.force_login(staff)
    book = download_template(client, department, cycle)
    sheet = book.active
    inv = column_of(sheet, "Investering 2027")
    sheet.cell(row=row_of(sheet, first), column=inv, value=9_000_000)
    sheet.cell(row=row_of(sheet, submitted), column=inv, value=9_000_000)
    extra = sheet.max_row + 1
    sheet.cell(row=extra, column=1, value=foreign.pk)
    sheet.cell(row=extra, column=column_of(sheet, "Titel"), value="Kapret")
    response = client.post(url(department, cycle), {"file": as_upload(book)})
    html = response.content.decode()
    assert response.status_code == 400
    assert f"Række {row_of(sheet, submitted)}:" in html
    assert "kan ikke længere ændres" in html
    assert f"Række {extra}: Sagen hører til Sundheds- og Omsorgsforvaltningen" in html
    assert 'name="token"' not in html
    assert economy(first)[(EconomyKind.INVESTMENT, 2027)] == 2_400_000


@pytest.mark.django_db
def test_every_row_is_validated_like_the_form_with_danish_errors_and_row_numbers(
    client, staff, department, cycle, cases
):
    client.force_login(staff)
    book = download_template(client, department, cycle)
    sheet = book.active
    row = sheet.max_row + 1
    sheet.cell(row=row, column=column_of(sheet, "Investering 2027"), value="mange penge")
    sheet.cell(row=row, column=column_of(sheet, "Gevinst 2028"), value=100)
    sheet.cell(row=row, column=column_of(sheet, "Type"), value="Rumskib")
    sheet.cell(row=row, column=column_of(sheet, "Kontakt-e-mail"), value="ikke-en-adresse")
    html = client.post(url(department, cycle), {"file": as_upload(book)}).content.decode()
    assert f"Række {row}: Titel:" in html
    assert "Rumskib" in html
    assert "Gevinster skrives som negative beløb i regnearket" in html
    assert f"Række {row}: Investering 2027: Angiv et helt beløb i kroner" in html
    assert "Kontakt-e-mail:" in html


@pytest.mark.django_db
def test_nothing_is_half_imported_when_a_row_fails_while_writing(
    client, staff, department, cycle, cases, monkeypatch
):
    first, second, _s, _f = cases
    client.force_login(staff)
    book = download_template(client, department, cycle)
    sheet = book.active
    inv = column_of(sheet, "Investering 2027")
    sheet.cell(row=row_of(sheet, first), column=inv, value=1)
    sheet.cell(row=row_of(sheet, second), column=inv, value=2)
    html = client.post(url(department, cycle), {"file": as_upload(book)}).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    real = imports.case_update
    calls = []

    def second_fails(**kwargs):
        calls.append(kwargs["case_pk"])
        if len(calls) == 2:
            from django.core.exceptions import ValidationError

            raise ValidationError("Databasen sagde nej.")
        return real(**kwargs)

    monkeypatch.setattr(imports, "case_update", second_fails)
    response = client.post(url(department, cycle), {"token": token}, follow=True)
    assert "intet blev importeret" in response.content.decode()
    assert economy(first)[(EconomyKind.INVESTMENT, 2027)] == 2_400_000
    first.refresh_from_db()
    assert first.version == 1


@pytest.mark.django_db
def test_a_case_changed_after_the_preview_stops_the_import(
    client, staff, department, cycle, cases
):
    first = cases[0]
    client.force_login(staff)
    book = download_template(client, department, cycle)
    sheet = book.active
    sheet.cell(row=row_of(sheet, first), column=column_of(sheet, "Investering 2027"), value=7)
    html = client.post(url(department, cycle), {"file": as_upload(book)}).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    InvestmentCase.objects.filter(pk=first.pk).update(version=5)
    response = client.post(url(department, cycle), {"token": token}, follow=True)
    assert "efter forhåndsvisningen" in response.content.decode()
    assert economy(first)[(EconomyKind.INVESTMENT, 2027)] == 2_400_000


@pytest.mark.django_db
def test_the_secretariat_imports_for_any_department(client, secretariat, department, cycle,
                                                    cases):
    client.force_login(secretariat)
    book = download_template(client, department, cycle)
    sheet = book.active
    row = sheet.max_row + 1
    sheet.cell(row=row, column=column_of(sheet, "Titel"), value="Sekretariatets sag")
    sheet.cell(row=row_of(sheet, cases[0]), column=column_of(sheet, "Investering 2027"),
               value=10)
    html = client.post(url(department, cycle), {"file": as_upload(book)}).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    assert client.post(url(department, cycle), {"token": token}).status_code == 302
    new = InvestmentCase.objects.get(title="Sekretariatets sag")
    assert new.department == department and new.created_by == secretariat
    assert economy(cases[0])[(EconomyKind.INVESTMENT, 2027)] == 10


@pytest.mark.django_db
def test_other_departments_and_other_roles_may_not_import(
    client, department, cycle, outsider, director, committee_reader
):
    for user in (outsider, director, committee_reader):
        client.force_login(user)
        assert client.get(url(department, cycle)).status_code == 403
        assert client.get(url(department, cycle, "governance:sheet-import-template")
                          ).status_code == 403
    client.logout()
    assert client.get(url(department, cycle)).status_code == 302


@pytest.mark.django_db
def test_a_token_of_another_user_is_refused(client, staff, colleague, department, cycle, cases):
    client.force_login(staff)
    book = download_template(client, department, cycle)
    html = client.post(url(department, cycle), {"file": as_upload(book)}).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    client.force_login(colleague)
    assert client.post(url(department, cycle), {"token": token}).status_code == 403


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


MINIMAL = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
    "xl/workbook.xml": b'<?xml version="1.0"?><workbook/>',
}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("sager.xlsx", b"x" * (imports.MAX_UPLOAD_BYTES + 1), "for stor"),
        ("sager.xlsx", b"Titel;Resume\nA;B", "ikke en rigtig Excel-projektmappe"),
        ("sager.pdf", b"%PDF-1.7", "Upload en Excel-projektmappe"),
        ("sager.xlsx", _zip({**MINIMAL, "xl/vbaProject.bin": b"\x00"}), "makroer"),
        ("sager.xlsx", _zip({**MINIMAL, "xl/worksheets/sheet1.xml": (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
            b"<x>&b;</x>")}), "XML, som ikke er tilladt"),
        ("sager.csv", b"Sagsnr.;Titel\n\x00\x01", "ikke en rigtig CSV-fil"),
        ("sager.csv", "Sagsnr.;Titel\n;Æble".encode("latin-1"), "UTF-8"),
    ],
)
@pytest.mark.django_db
def test_files_are_checked_before_anything_parses_them(
    client, staff, department, cycle, name, content, message
):
    client.force_login(staff)
    upload = io.BytesIO(content)
    upload.name = name
    response = client.post(url(department, cycle), {"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.django_db
def test_a_csv_file_imports_too(client, staff, department, cycle, cases):
    client.force_login(staff)
    csv_text = "Sagsnr.;Titel;Investering 2027\n;Ny CSV-sag;1.250.000\n"
    upload = io.BytesIO(("\ufeff" + csv_text).encode("utf-8"))
    upload.name = "sager.csv"
    html = client.post(url(department, cycle), {"file": upload}).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    client.post(url(department, cycle), {"token": token})
    new = InvestmentCase.objects.get(title="Ny CSV-sag")
    assert economy(new) == {(EconomyKind.INVESTMENT, 2027): 1_250_000}


@pytest.mark.django_db
def test_capital_lines_have_their_own_columns(client, staff, department, cycle, cases):
    first = cases[0]
    client.force_login(staff)
    book = download_template(client, department, cycle)
    sheet = book.active
    sheet.cell(row=row_of(sheet, first), column=column_of(sheet, "Investering, anlæg 2028"),
               value=800_000)
    html = client.post(url(department, cycle), {"file": as_upload(book)}).content.decode()
    assert "Investering 2028 (anlæg):</strong> (tom) → 800.000 kr." in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    client.post(url(department, cycle), {"token": token})
    line = CaseEconomyLine.objects.get(case=first, kind=EconomyKind.INVESTMENT, year=2028,
                                       styringsomraade="anlaeg")
    assert line.amount == 800_000
    # the service line of the same year is untouched
    assert CaseEconomyLine.objects.get(case=first, kind=EconomyKind.INVESTMENT, year=2028,
                                       styringsomraade="service").amount == 1_250_000
    book = download_template(client, department, cycle)
    sheet = book.active
    assert sheet.cell(row=row_of(sheet, first),
                      column=column_of(sheet, "Investering, anlæg 2028")).value == 800_000
