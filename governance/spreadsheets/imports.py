"""Cases in from a spreadsheet: the department's template, checks, dry run, import.

1. ``template_workbook`` writes the department's cases of a cycle with their
   economy (the same columns the import reads).
2. ``check_upload`` looks at the file before anything parses it: size, a real
   xlsx (zip with a workbook, no macros, every XML part parsed by defusedxml,
   no zip bomb) or a real UTF-8 CSV.
3. ``plan_import`` reads the rows and validates every one with the case form's
   own forms (``CaseForm``, ``EconomyForm``); rows are matched by case number
   or code, never by title. The result is the dry run: per row what will be
   created or changed (old → new) and every error with its row number.
4. ``import_run`` writes the rows through the form's services
   (``case_create`` / ``case_update``) in one transaction: all or nothing,
   history by the importing user.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field

from defusedxml import ElementTree as SafeET
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kkdigital.lib.errors import ServiceError
from kkdigital.lib.money import AmountError, parse_amount
from portfolio.changes import Change
from portfolio.forms import CaseForm, EconomyForm
from portfolio.history import snapshot_key
from portfolio.models import CaseScope, CaseType, EconomyKind, InvestmentCase, RiskLevel
from portfolio.permissions import is_secretariat
from portfolio.services import (
    CaseConflict,
    CaseData,
    CaseSnapshot,
    case_create,
    case_update,
    current_snapshot,
    describe_changes,
)

from ..notes.context import note_code
from ..notes.permissions import can_import_for
from .exports import economy_columns, line_key
from .writer import INT, TEXT, Column, Sheet, xlsx_bytes

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
MAX_ROWS = 500
MAX_ZIP_ENTRIES = 200

# The case's own fields the spreadsheet carries, in its column order.
TEXT_FIELDS = (
    ("title", gettext_noop("Title"), 40),
    ("summary", gettext_noop("Summary"), 40),
    ("case_type", gettext_noop("Type"), 22),
    ("scope", gettext_noop("Scope"), 18),
    ("background", gettext_noop("Background and problem"), 40),
    ("solution", gettext_noop("Solution"), 40),
    ("risk_level", gettext_noop("Risk level"), 12),
    ("risk_text", gettext_noop("Risks"), 30),
    ("contact_name", gettext_noop("Contact person"), 20),
    ("contact_email", gettext_noop("Contact e-mail"), 24),
)
CHOICES = {"case_type": CaseType, "scope": CaseScope, "risk_level": RiskLevel}


def _headers(years):
    """(key, Danish header, kind, width) of every column, in order."""
    columns = [
        ("id", _("Case no."), INT, 9),
        ("code", _("Code"), TEXT, 8),
        ("state", _("State (not imported)"), TEXT, 16),
    ]
    columns += [(name, _(label), TEXT, width) for name, label, width in TEXT_FIELDS]
    columns += [(key, header, INT, 14) for key, header in economy_columns(years)]
    return columns


# --- the template ----------------------------------------------------------------------


def template_workbook(department, cycle, cases) -> bytes:
    """The department's cases and their economy, ready to edit and upload again."""
    columns = _headers(cycle.out_years)
    rows = []
    for case in cases:
        amounts = {line_key(line): line.amount for line in case.economy_lines.all()}
        row = []
        for key, _header, _kind, _width in columns:
            if key == "id":
                row.append(case.pk)
            elif key == "code":
                row.append(note_code(case))
            elif key == "state":
                row.append(case.get_state_display())
            elif isinstance(key, tuple):
                row.append(amounts.get(key))
            elif key in CHOICES:
                value = getattr(case, key)
                row.append(CHOICES[key](value).label if value else "")
            else:
                row.append(getattr(case, key))
        rows.append(row)
    note = _(
        "%(department)s, %(cycle)s. Amounts in kr., %(year)s p/l; gains are negative. "
        "Leave the case number empty for a new case. Only drafts and returned cases "
        "can be changed."
    ) % {"department": department.name, "cycle": cycle, "year": cycle.budget_year}
    sheet = Sheet(
        title=_("Cases"),
        columns=[Column(header, kind, width) for _k, header, kind, width in columns],
        rows=rows,
        note=note,
    )
    return xlsx_bytes([sheet])


# --- checks before parsing -------------------------------------------------------------


class UploadRefused(ServiceError):
    """The file is not one the import reads; nothing was parsed."""


def check_upload(name: str, content: bytes) -> str:
    """"xlsx" or "csv" if the file may be parsed; else ``UploadRefused`` (Danish)."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadRefused(
            _("The file is too large (at most %(mb)s MB).") % {"mb": MAX_UPLOAD_BYTES // 2**20}
        )
    lower = (name or "").lower()
    if lower.endswith(".xlsx"):
        _check_xlsx(content)
        return "xlsx"
    if lower.endswith(".csv"):
        _check_csv(content)
        return "csv"
    raise UploadRefused(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))


def _check_xlsx(content: bytes) -> None:
    not_xlsx = UploadRefused(_("The file is not a real Excel workbook (.xlsx)."))
    if not content.startswith(b"PK\x03\x04"):
        raise not_xlsx
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise not_xlsx from error
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise not_xlsx
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise UploadRefused(_("The workbook unpacks to too much data."))
    if any(n.lower().endswith(("vbaproject.bin", ".bin")) or "activex" in n.lower()
           for n in names):
        raise UploadRefused(_("The workbook contains macros or embedded programs; "
                              "save it as a plain .xlsx workbook."))
    for entry in entries:
        if entry.filename.endswith((".xml", ".rels")):
            try:
                data = archive.read(entry)
                SafeET.fromstring(data, forbid_dtd=True)
            except Exception as error:  # noqa: BLE001 - any XML trouble refuses the file
                raise UploadRefused(
                    _("The workbook contains XML that is not allowed (%(part)s).")
                    % {"part": entry.filename}
                ) from error
            if b"macroEnabled" in data and entry.filename == "[Content_Types].xml":
                raise UploadRefused(_("The workbook contains macros or embedded programs; "
                                      "save it as a plain .xlsx workbook."))


def _check_csv(content: bytes) -> None:
    if b"\x00" in content:
        raise UploadRefused(_("The file is not a real CSV file."))
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UploadRefused(_("Save the CSV file as UTF-8.")) from error


# --- reading the rows ------------------------------------------------------------------


def read_rows(kind: str, content: bytes) -> list[tuple[int, dict]]:
    """(spreadsheet row number, {header: value}) for every non-empty row."""
    if kind == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        raw = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 3))
        book.close()
    else:
        raw = _csv_rows(content.decode("utf-8-sig"))
    header_index = None
    for index, row in enumerate(raw[:3]):
        if row and any(str(c or "").strip() == _("Case no.") for c in row):
            header_index = index
            break
    if header_index is None:
        raise UploadRefused(
            _("The file has no header row with “%(header)s”. Start from the template.")
            % {"header": _("Case no.")}
        )
    headers = [str(c or "").strip() for c in raw[header_index]]
    rows = []
    for offset, row in enumerate(raw[header_index + 1:], start=header_index + 2):
        values = {h: v for h, v in zip(headers, row, strict=False) if h}
        if any(str(v).strip() for v in values.values() if v is not None):
            rows.append((offset, values))
    if len(rows) > MAX_ROWS:
        raise UploadRefused(_("At most %(max)s rows can be imported at once.") % {"max": MAX_ROWS})
    return rows


def _csv_rows(text: str) -> list[list[str]]:
    """The rows of a CSV file with the delimiter its header row is written with.

    Danish spreadsheets write ";" and the template's headers hold commas
    ("Investering, anlæg 2027"), which makes ``csv.Sniffer`` take "," for the
    delimiter when it sees one header line: the delimiter is the one that makes
    "Case no." a cell of one of the first rows.
    """
    first_rows = "\n".join(text.splitlines()[:3])
    for delimiter in (";", "\t", ","):
        if any(cell.strip() == _("Case no.")
               for row in csv.reader(io.StringIO(first_rows), delimiter=delimiter)
               for cell in row):
            return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return list(csv.reader(io.StringIO(text), delimiter=";"))


# --- the dry run -----------------------------------------------------------------------


@dataclass
class RowPlan:
    number: int
    action: str  # "create", "change", "unchanged", "refused"
    title: str
    case: InvestmentCase | None = None
    data: CaseData | None = None
    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    department: object
    cycle: object
    rows: list[RowPlan]

    @property
    def errors(self) -> list[str]:
        return [
            _("Row %(row)s: %(error)s") % {"row": r.number, "error": e}
            for r in self.rows
            for e in r.errors
        ]

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def versions(self) -> dict[str, int]:
        return {str(r.case.pk): r.case.version for r in self.rows if r.case is not None}

    @property
    def created_count(self) -> int:
        return sum(1 for r in self.rows if r.action == "create")

    @property
    def changed_count(self) -> int:
        return sum(1 for r in self.rows if r.action == "change")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _choice_value(name: str, text: str) -> str | None:
    """A choice from its Danish label or its stored value; None if unknown."""
    if not text:
        return ""
    enum = CHOICES[name]
    for value, label in enum.choices:
        if text.lower() in (str(label).lower(), value.lower()):
            return value
    return None


def _amount_text(kind: str, value, errors: list[str], header: str) -> str:
    """The text the case form's economy cell would hold (gains positive there)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if isinstance(value, bool):
        errors.append(_("%(column)s: write an amount in kroner.") % {"column": header})
        return ""
    if isinstance(value, float):
        if not value.is_integer():
            errors.append(_("%(column)s: amounts are whole kroner.") % {"column": header})
            return ""
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        try:
            number = parse_amount(str(value))
        except AmountError as error:
            errors.append(f"{header}: {error}")
            return ""
    if kind == EconomyKind.GAIN:
        if number > 0:
            errors.append(
                _("%(column)s: gains are written as negative amounts in the spreadsheet.")
                % {"column": header}
            )
            return ""
        return str(-number)
    return str(number)


def plan_import(*, actor, department, cycle, rows: list[tuple[int, dict]]) -> ImportPlan:
    """Validate every row and work out what the import would do; writes nothing."""
    if not can_import_for(actor, department):
        raise PermissionDenied
    columns = _headers(cycle.out_years)
    header_of = {key: header for key, header, _kind, _w in columns}
    cases = {
        c.pk: c for c in InvestmentCase.objects.filter(cycle=cycle).select_related("department")
        .prefetch_related("economy_lines")
    }
    by_code = {note_code(c): c for c in cases.values()}
    seen: set[int] = set()
    plans = []
    for number, values in rows:
        errors: list[str] = []
        case = None
        case_no = _text(values.get(header_of["id"]))
        code = _text(values.get(header_of["code"]))
        if case_no:
            if not case_no.isdigit() or int(case_no) not in cases:
                errors.append(_("There is no case number %(no)s in %(cycle)s.")
                              % {"no": case_no, "cycle": cycle})
            else:
                case = cases[int(case_no)]
        elif code:
            case = by_code.get(code)
            if case is None:
                errors.append(_("There is no case with the code %(code)s in %(cycle)s.")
                              % {"code": code, "cycle": cycle})
        title = _text(values.get(header_of["title"])) or (case.title if case else "")
        if case is not None:
            if case.pk in seen:
                errors.append(_("The case is in the file more than once."))
            seen.add(case.pk)
            if case.department_id != department.pk:
                errors.append(
                    _("The case belongs to %(department)s, not to %(this)s.")
                    % {"department": case.department.name, "this": department.name}
                )
        if errors:
            plans.append(RowPlan(number, "refused", title, case, errors=errors))
            continue
        row = _validate_row(number, values, header_of, department, cycle, case, title)
        if case is not None and not case.is_editable and row.action != "unchanged":
            # The template lists every case of the department; a row of a case that
            # is past the department's hands may stay in the file as it was.
            row.action = "refused"
            row.errors.append(
                _("The case is “%(state)s” and can no longer be changed; only drafts "
                  "and returned cases can.") % {"state": case.get_state_display()}
            )
        plans.append(row)
    return ImportPlan(department=department, cycle=cycle, rows=plans)


def _validate_row(number, values, header_of, department, cycle, case, title) -> RowPlan:
    errors: list[str] = []
    form_data = {}
    for name, _label, _width in TEXT_FIELDS:
        text = _text(values.get(header_of[name]))
        if name in CHOICES:
            value = _choice_value(name, text)
            if value is None:
                errors.append(
                    _("%(column)s: “%(value)s” is not one of: %(choices)s.")
                    % {"column": header_of[name], "value": text,
                       "choices": ", ".join(str(label) for _v, label in CHOICES[name].choices)}
                )
                value = ""
            text = value
        form_data[name] = text
    economy_data = {}
    sheet_keys = set()
    for key, header in economy_columns(cycle.out_years):
        kind, year = key[0], key[1]
        area = key[2] if len(key) == 3 else "service"
        sheet_keys.add((kind, year, area))
        cell = EconomyForm.cell_name(kind, year, area)
        economy_data[f"{EconomyForm.prefix}-{cell}"] = _amount_text(
            kind, values.get(header), errors, header
        )
    form = CaseForm(form_data, instance=case, department=department)
    economy = EconomyForm(economy_data, years=cycle.out_years)
    form_ok, economy_ok = form.is_valid(), economy.is_valid()
    if not form_ok:
        for name, messages in form.errors.items():
            label = header_of.get(name) or (form.fields[name].label if name in form.fields
                                            else "")
            errors += [f"{label}: {m}" if label else m for m in messages]
    if not economy_ok:
        for name, messages in economy.errors.items():
            errors += [f"{economy.fields[name].label}: {m}" for m in messages]
    if errors:
        return RowPlan(number, "refused", title, case, errors=errors)
    data = CaseData(
        fields={n: form.cleaned_data[n] for n, _l, _w in TEXT_FIELDS
                if not (n in ("scope", "case_type") and not form.cleaned_data[n])},
        # Only the cells the spreadsheet has; a line it has no column for stays.
        economy={k: v for k, v in economy.amounts().items() if k in sheet_keys},
    )
    if case is None:
        before = CaseSnapshot(fields=dict.fromkeys(data.fields, ""), m2m={}, principles={},
                              economy={})
        action = "create"
    else:
        before = current_snapshot(case)
        action = "change"
    after_economy = dict(before.economy)
    for (kind, year, area), amount in data.economy.items():
        key = snapshot_key(kind, year, area)
        if amount is None:
            after_economy.pop(key, None)
        else:
            after_economy[key] = amount
    after = CaseSnapshot(
        fields={**before.fields, **data.fields},
        m2m=before.m2m,
        principles=before.principles,
        economy=after_economy,
    )
    changes = describe_changes(before, after)
    if case is not None and not changes:
        action = "unchanged"
    return RowPlan(number, action, title, case, data=data, changes=changes)


# --- the import ------------------------------------------------------------------------


def import_run(*, actor, plan: ImportPlan, versions: dict[str, int]) -> dict[str, int]:
    """Write the planned rows in one transaction through the case form's services.

    ``versions`` are the cases' versions the dry run showed; a case saved since
    then refuses the whole import (nothing is written).
    """
    if not can_import_for(actor, plan.department):
        raise PermissionDenied
    if not plan.is_valid:
        raise ServiceError(_("The file has errors; nothing was imported."))
    reason = _("Imported from a spreadsheet")
    secretariat = is_secretariat(actor)
    counts = {"create": 0, "change": 0}
    try:
        with transaction.atomic():
            for row in plan.rows:
                if row.action == "create":
                    case_create(actor=actor, cycle=plan.cycle, data=row.data,
                                department=plan.department if secretariat else None,
                                reason=reason)
                elif row.action == "change":
                    case_update(actor=actor, case_pk=row.case.pk,
                                expected_version=versions.get(str(row.case.pk), -1),
                                data=row.data, reason=reason, secretariat_import=secretariat)
                else:
                    continue
                counts[row.action] += 1
    except CaseConflict as conflict:
        raise ServiceError(
            _("A case in the file was changed by %(who)s after the preview; nothing was "
              "imported. Upload the file again to see the changes.")
            % {"who": ", ".join(conflict.changed_by)}
        ) from conflict
    except ValidationError as error:
        raise ServiceError(
            _("The import was refused; nothing was imported: %(error)s")
            % {"error": "; ".join(error.messages)}
        ) from error
    return counts
