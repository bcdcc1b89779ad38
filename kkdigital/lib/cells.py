"""Cells of exported spreadsheets (CSV and xlsx) that a spreadsheet program will
never run as a formula.

Excel, LibreOffice and Google Sheets read a cell that starts with ``=``, ``+``,
``-`` or ``@`` as a formula, and a leading tab or carriage return can hide such a
start (OWASP "CSV injection"). Every export path sends its text cells through
:func:`neutralise`; numbers and dates stay numbers and dates.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text that starts like a formula gets a leading apostrophe, which makes the
    spreadsheet read the cell as text; anything that is not text is returned as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
