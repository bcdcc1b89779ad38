"""Spreadsheets out: numbers stay numbers, dates dates, Danish headers, no formulas."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from governance.models import Assessment
from portfolio.models import CaseState

from .factories_notes import complete_case

FORMULA_TITLE = "=HYPERLINK(\"http://evil\";\"klik\")"


@pytest.fixture
def cases(department, other_department, cycle, director):
    a = complete_case(department=department, cycle=cycle, title=FORMULA_TITLE,
                      state=CaseState.PRIORITISED)
    b = complete_case(department=department, cycle=cycle, title="@SUM(A1)",
                      state=CaseState.DRAFT)
    c = complete_case(department=other_department, cycle=cycle, title="Andens sag",
                      state=CaseState.PRIORITISED)
    Assessment.objects.create(case=a, score=3, rank=2, assessed_by=director)
    Assessment.objects.create(case=c, score=5, rank=1, assessed_by=director)
    return a, b, c


def xlsx(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.content)).active


@pytest.mark.django_db
def test_the_case_list_as_filtered_keeps_numbers_and_dates_and_neutralises_text(
    client, staff, cases
):
    client.force_login(staff)
    sheet = xlsx(client.get(reverse("governance:sheet-cases", args=["xlsx"])
                            + "?state=prioritised"))
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["Sagsnr.", "Kode", "Titel"]
    assert "Investering i alt (kr.)" in headers and "Opdateret" in headers
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1  # the filter: only BIF's prioritised case (own department)
    row = dict(zip(headers, rows[0], strict=True))
    assert row["Titel"] == "'" + FORMULA_TITLE
    assert row["Investering i alt (kr.)"] == 3_650_000
    assert isinstance(row["Opdateret"], datetime.datetime)
    assert sheet.cell(row=2, column=headers.index("Investering i alt (kr.)") + 1
                      ).data_type == "n"


@pytest.mark.django_db
def test_the_csv_neutralises_every_text_cell(client, secretariat, cases):
    client.force_login(secretariat)
    response = client.get(reverse("governance:sheet-cases", args=["csv"]))
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Sagsnr."
    titles = {r[2] for r in rows[1:]}
    assert "'" + FORMULA_TITLE in titles and "'@SUM(A1)" in titles
    assert not any(cell.startswith(("=", "+", "@")) for r in rows for cell in r if cell
                   and not cell.lstrip("-").isdigit())


@pytest.mark.django_db
def test_the_department_plan_sheet_has_amounts_by_kind_and_year(client, staff, department,
                                                                 cycle, cases):
    client.force_login(staff)
    sheet = xlsx(client.get(reverse("governance:sheet-department-plan",
                                    args=[department.code, 2027, "xlsx"])))
    assert "Beløb i kr., 2027 p/l" in sheet.cell(row=1, column=1).value
    headers = [c.value for c in sheet[2]]
    assert "Investering 2027" in headers and "Gevinst, varig" in headers
    first = dict(zip(headers, next(sheet.iter_rows(min_row=3, values_only=True)), strict=True))
    assert first["Investering 2027"] == 2_400_000
    assert first["Gevinst, varig"] == -2_000_000


@pytest.mark.django_db
def test_the_plan_sheet_is_in_rank_order_for_plan_readers_only(
    client, director, staff, cycle, cases
):
    client.force_login(director)
    sheet = xlsx(client.get(reverse("governance:sheet-plan", args=[2027, "xlsx"])))
    headers = [c.value for c in sheet[2]]
    rows = [dict(zip(headers, r, strict=True)) for r in sheet.iter_rows(min_row=3,
                                                                       values_only=True)]
    assert [r["Titel"] for r in rows] == ["Andens sag", "'" + FORMULA_TITLE]
    assert rows[0]["Investering, service 2027"] == 2_400_000
    client.force_login(staff)
    assert client.get(reverse("governance:sheet-plan", args=[2027, "csv"])).status_code == 403
    assert client.get(reverse("governance:sheet-plan", args=[2027, "pdf"])).status_code == 403


@pytest.mark.django_db
def test_an_unknown_format_is_not_found(client, secretariat, cases):
    client.force_login(secretariat)
    assert client.get(reverse("governance:sheet-plan", args=[2027, "pdf"])).status_code == 404


@pytest.mark.django_db
def test_spreadsheets_need_a_login(client, department, cycle):
    for url in (reverse("governance:sheet-cases", args=["xlsx"]),
                reverse("governance:sheet-plan", args=[2027, "xlsx"]),
                reverse("governance:sheet-department-plan", args=[department.code, 2027, "csv"])):
        assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_the_financing_overview_comes_from_the_money_app(client, secretariat, staff, cycle,
                                                        cases):
    client.force_login(secretariat)
    page = client.get(reverse("governance:export-list") + f"?cycle={cycle.pk}").content.decode()
    assert reverse("governance:sheet-financing", args=[2027, "xlsx"]) in page
    sheet = xlsx(client.get(reverse("governance:sheet-financing", args=[2027, "xlsx"])))
    assert [c.value for c in sheet[2]][1:3] == ["År", "Ramme (kr.)"]
    client.force_login(staff)
    assert client.get(reverse("governance:sheet-financing", args=[2027, "csv"])
                      ).status_code == 403
