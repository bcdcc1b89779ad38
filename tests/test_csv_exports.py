"""Every CSV export goes through one writer (``kkdigital.lib.csvexport``): UTF-8 with a
byte order mark, ";" between cells, and no text cell that a spreadsheet runs as a
formula, whichever way it starts."""

import csv
import io

import pytest

from governance.models import Assessment, Recommendation
from kkdigital.lib.csvexport import csv_lines, csv_response
from portfolio.models import CaseState

from .factories import InvestmentCaseFactory
from .governance_helpers import case_in

pytestmark = pytest.mark.django_db

STARTS = ["=", "+", "-", "@", "\t", "\r"]
DANGEROUS = [f"{start}HYPERLINK(\"http://x\")" for start in STARTS]


def read(response) -> list[list[str]]:
    raw = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_the_writer_neutralises_every_formula_start_and_keeps_numbers():
    rows = list(
        csv.reader(
            io.StringIO("".join(csv_lines(["Tekst", "Tal"], [[t, 12] for t in DANGEROUS])),
                        newline=""),
            delimiter=";",
        )
    )
    assert rows[0] == ["\ufeffTekst", "Tal"]
    assert [row[0] for row in rows[1:]] == ["'" + text for text in DANGEROUS]
    assert all(row[1] == "12" for row in rows[1:])


def test_the_writer_streams_and_can_answer_whole():
    streamed = csv_response("x.csv", ["A"], iter([["-1"]]))
    whole = csv_response("x.csv", ["A"], [["-1"]], stream=False)
    assert streamed.streaming and not whole.streaming
    assert read(streamed) == read(whole) == [["A"], ["'-1"]]
    assert streamed["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert streamed["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize("start", STARTS)
def test_the_audit_log_export_neutralises_a_formula_start(
    client, cycle, department, secretariat, start
):
    title = f"{start}SUM(A1)"
    InvestmentCaseFactory(title=title, cycle=cycle, department=department)
    client.force_login(secretariat)

    rows = read(client.get("/proces/revisionslog/", {"format": "csv"}))

    assert any(row[4] == "'" + title for row in rows[1:])
    assert not any(cell.startswith(tuple(STARTS)) for row in rows[1:] for cell in row)


@pytest.mark.parametrize("start", STARTS)
def test_the_prioritisation_export_neutralises_a_formula_start(
    client, cycle, department, director, start
):
    case = case_in(CaseState.QUALIFIED, department=department, cycle=cycle,
                   title=f"{start}Titel")
    Assessment.objects.create(
        case=case, score=4, rank=1, recommendation=Recommendation.NOT_RECOMMENDED,
        reason=f"{start}Begrundelse", assessed_by=director,
    )
    client.force_login(director)

    from governance.board.services import board_sync

    board_sync(cycle=cycle)  # the case was made qualified without the transition
    rows = read(client.get("/proces/prioritering/eksport.csv", {"cycle": cycle.pk}))

    # The board's export: rank, code, case, department, … (see governance.board.views).
    row = next(row for row in rows[1:] if row[2].endswith("Titel"))
    assert row[2] == f"'{start}Titel"
    assert not any(cell.startswith(tuple(STARTS)) for row in rows[1:] for cell in row)
