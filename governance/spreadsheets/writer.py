"""One writer for every spreadsheet the app hands out, as xlsx and as csv.

Amounts stay numbers (whole kroner), dates stay dates, headers are the Danish
words a person reads, and every text cell goes through
:func:`kkdigital.lib.cells.neutralise`, so no cell is ever run as a formula.
"""

import csv
import datetime
import io
from dataclasses import dataclass

from kkdigital.lib.cells import neutralise

TEXT, INT, DATE = "text", "int", "date"
KRONER_FORMAT = "#,##0"
DATE_FORMAT = "dd-mm-yyyy"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: int = 14


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: list[list]
    note: str = ""  # a line above the headers, e.g. "Beløb i kr., 2027 p/l"


def cell_value(value, kind: str):
    """The value as the cell should hold it (text neutralised, numbers and dates kept)."""
    if value is None or value == "":
        return None
    if kind == INT:
        return int(value)
    if kind == DATE:
        if isinstance(value, datetime.datetime):
            return value.date() if value.tzinfo is None else value.astimezone().date()
        return value
    return neutralise(str(value))


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(title=neutralise(sheet.title)[:31])
        header_row = 1
        if sheet.note:
            ws.cell(row=1, column=1, value=neutralise(sheet.note)).font = Font(italic=True)
            header_row = 2
        for index, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=header_row, column=index, value=neutralise(column.header))
            cell.font = Font(bold=True)
            ws.column_dimensions[get_column_letter(index)].width = column.width
        for r, row in enumerate(sheet.rows, start=header_row + 1):
            for index, (column, value) in enumerate(zip(sheet.columns, row, strict=True),
                                                    start=1):
                cell = ws.cell(row=r, column=index, value=cell_value(value, column.kind))
                if column.kind == INT:
                    cell.number_format = KRONER_FORMAT
                elif column.kind == DATE and cell.value is not None:
                    cell.number_format = DATE_FORMAT
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(sheet: Sheet) -> bytes:
    """CSV as Danish Excel opens it: UTF-8 with BOM, semicolons, dates dd-mm-yyyy."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(c.header) for c in sheet.columns])
    for row in sheet.rows:
        values = []
        for column, value in zip(sheet.columns, row, strict=True):
            value = cell_value(value, column.kind)
            if column.kind == DATE and value is not None:
                value = value.strftime("%d-%m-%Y")
            values.append("" if value is None else value)
        writer.writerow(values)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
