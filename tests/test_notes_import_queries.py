"""The spreadsheet import's queries grow with the cases, not with their economy cells.

A department imports hundreds of new cases with twenty amounts each (issue 14: 5,000
economy lines in under 20 s): the dry run reads every row without a query per row, and
the import writes each case's lines in bulk, with their history, in a fixed number of
queries a case.
"""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from governance.spreadsheets import imports
from portfolio.models import CaseEconomyLine, InvestmentCase

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def new_cases_csv(cycle, cases: int, cells: int) -> bytes:
    """A CSV file of ``cases`` new cases, each with its first ``cells`` economy cells
    filled (gains negative, as the template writes them)."""
    with translation.override("da"):
        columns = imports._headers(cycle.out_years)
    headers = [header for _key, header, _kind, _width in columns]
    economy = [(key, header) for key, header, _kind, _width in columns
               if isinstance(key, tuple)][:cells]
    lines = [";".join(headers)]
    for n in range(cases):
        row = dict.fromkeys(headers, "")
        row["Titel"] = f"Importeret sag {n}"
        row["Type"] = "Digital løsning"
        for position, (key, header) in enumerate(economy):
            amount = 1_000 * (n + 1) + position
            row[header] = str(-amount if key[0] == "gain" else amount)
        lines.append(";".join(row[h] for h in headers))
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def dry_run_and_import(client, department, cycle, content) -> tuple[int, int]:
    """The queries of the upload (the dry run) and of the confirm (the import)."""
    url = reverse("governance:sheet-import", args=[department.code, cycle.budget_year])
    upload = io.BytesIO(content)
    upload.name = "sager.csv"
    with CaptureQueriesContext(connection) as dry_run:
        html = client.post(url, {"file": upload}).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html)
    assert token is not None, html
    with CaptureQueriesContext(connection) as imported:
        assert client.post(url, {"token": token.group(1)}).status_code == 302
    return len(dry_run), len(imported)


def test_the_import_writes_every_line_with_its_history(client, staff, department, cycle):
    client.force_login(staff)
    dry_run_and_import(client, department, cycle, new_cases_csv(cycle, 2, 20))
    cases = InvestmentCase.objects.filter(title__startswith="Importeret sag")
    assert cases.count() == 2
    lines = CaseEconomyLine.objects.filter(case__in=cases)
    assert lines.count() == 40
    # Empty cells are no line at all; the filled ones hold what the file said.
    assert sorted(lines.filter(case__title="Importeret sag 1").values_list(
        "amount", flat=True))[:2] == [-2_019, -2_018]
    records = CaseEconomyLine.history.filter(case_id__in=cases.values("pk"))
    assert records.count() == 40
    assert {(r.history_type, r.history_user_id, r.history_change_reason) for r in records} == {
        ("+", staff.pk, "Importeret fra et regneark")
    }
    # Each line's record follows the case's own (the case's version comes first).
    for case in cases:
        created = case.history.get().history_date
        assert all(r.history_date >= created for r in records.filter(case_id=case.pk))


def test_queries_grow_by_a_constant_per_case_whatever_its_economy(
    client, staff, department, cycle
):
    client.force_login(staff)
    # Warm up the session and the caches the first request fills.
    dry_run_and_import(client, department, cycle, new_cases_csv(cycle, 1, 1))
    few_lines = dry_run_and_import(client, department, cycle, new_cases_csv(cycle, 4, 2))
    many_lines = dry_run_and_import(client, department, cycle, new_cases_csv(cycle, 4, 20))
    twice_the_cases = dry_run_and_import(client, department, cycle, new_cases_csv(cycle, 8, 20))
    # Twenty amounts a case cost no more queries than two.
    assert many_lines == few_lines
    dry_run, imported = many_lines
    dry_run_8, imported_8 = twice_the_cases
    # The dry run reads the cycle's cases once; per row only the case form's own list
    # of principles (CaseForm reads it each time it is made).
    assert dry_run_8 - dry_run <= 4, (dry_run, dry_run_8)
    # The import: per case a savepoint, the case's checks, the case and its history, its
    # links' history, and two inserts for all its lines and their history records.
    per_case = (imported_8 - imported) / 4
    assert per_case == int(per_case) and per_case <= 21, (imported, imported_8)
