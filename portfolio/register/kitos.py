"""Reading KITOS's Excel exports: the system-usage overview and the contract overview.

The file is checked before it is parsed (size, that it is an xlsx package and
not a zip bomb); openpyxl reads it in read-only mode and, with defusedxml
installed, refuses XML entity tricks. Formulas are never evaluated: a cell
holds the value the spreadsheet saved. Each data row becomes a ``ParsedRow``
with its Excel row number, the values by model field and its errors.

The column titles are KITOS's own Danish titles; ``SYSTEM_COLUMNS`` and
``CONTRACT_COLUMNS`` are the mapping (see the register note).
"""

import datetime
import io
import re
import uuid
import zipfile
from dataclasses import dataclass, field

import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _

from kkdigital.lib.errors import ServiceError

from .models import BusinessCritical, ImportKind, Lifecycle

# Limits: the same kind as the case import's.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 250 * 1024 * 1024
MAX_ROWS = 60_000
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Column:
    field: str
    titles: tuple[str, ...]
    required: bool = False


# (model field, KITOS column titles it may have, required)
SYSTEM_COLUMNS = (
    Column("name", ("IT System", "IT-System", "IT System (navn)"), required=True),
    Column("kitos_uuid", ("IT-System (UUID)", "IT System (UUID)", "UUID"), required=True),
    Column("kitos_unit", ("Ansv. organisationsenhed", "Ansvarlig organisationsenhed"),
           required=True),
    Column("lifecycle", ("Livscyklus",)),
    Column("business_critical", ("Forretningskritisk IT-system", "Forretningskritisk")),
    Column("supplier", ("Leverandør",)),
    Column("user_count", ("Antal brugere",)),
    Column("purpose", ("Formål", "Beskrivelse")),
    Column("contract_names", ("IT Kontrakter",)),
)
CONTRACT_COLUMNS = (
    Column("name", ("IT Kontrakt", "IT-Kontrakt", "Kontrakt"), required=True),
    Column("kitos_uuid", ("IT Kontrakt (UUID)", "IT-Kontrakt (UUID)", "Kontrakt (UUID)", "UUID"),
           required=True),
    Column("contract_id", ("Kontrakt ID", "KontraktID")),
    Column("kitos_unit", ("Ansvarlig org. enhed", "Ansvarlig organisationsenhed"),
           required=True),
    Column("supplier", ("Leverandør",)),
    Column("valid_from", ("Gyldig fra",)),
    Column("valid_to", ("Gyldig til",)),
    Column("irrevocable_until", ("Uopsigelig til",)),
    Column("notice_months", ("Opsigelse (måneder)", "Opsigelsesfrist (måneder)")),
    Column("extension_options", ("Option", "Optioner")),
    Column("procurement_strategy", ("Genanskaffelsesstrategi", "Indkøbsform")),
    Column("procurement_plan", ("Genanskaffelsesplan",)),
    Column("procurement_initiated", ("Genanskaffelse igangsat",)),
    Column("yearly_operating_cost", ("Drift/år", "Drift / år")),
    Column("acquisition_cost", ("Anskaffelse",)),
    Column("system_uuids", ("IT Systemer (UUID)", "IT-Systemer (UUID)")),
)
COLUMNS = {ImportKind.SYSTEMS: SYSTEM_COLUMNS, ImportKind.CONTRACTS: CONTRACT_COLUMNS}

LIFECYCLE_VALUES = {
    "ikke i drift": Lifecycle.NOT_IN_OPERATION,
    "under afprøvning": Lifecycle.TESTING,
    "i afprøvning": Lifecycle.TESTING,
    "under indfasning": Lifecycle.PHASING_IN,
    "i drift": Lifecycle.IN_OPERATION,
    "under udfasning": Lifecycle.PHASING_OUT,
}
YES_NO = {"ja": True, "nej": False}
CRITICAL_VALUES = {
    "ja": BusinessCritical.YES,
    "nej": BusinessCritical.NO,
    "ved ikke": BusinessCritical.UNKNOWN,
    "": BusinessCritical.UNKNOWN,
}
_PLAN = re.compile(r"^\s*Q([1-4])\s*\|\s*(\d{4})\s*$", re.IGNORECASE)
_DATE = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_UUID_SPLIT = re.compile(r"[\s,;]+")


class KitosFileError(ServiceError):
    """The file cannot be read as a KITOS export at all."""


@dataclass
class ParsedRow:
    number: int
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _norm(title) -> str:
    return " ".join(str(title or "").split()).casefold()


def max_file_bytes() -> int:
    """The largest KITOS export accepted: its own setting, not the admin imports'."""
    return int(getattr(settings, "KK_KITOS_IMPORT_MAX_BYTES", MAX_FILE_BYTES))


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{max(1, size // 1024)} kB"


def check_file(content: bytes) -> None:
    """Refuse what is not a reasonably sized xlsx package, before any parsing."""
    if len(content) > max_file_bytes():
        raise KitosFileError(
            _("The file is larger than %(size)s.") % {"size": size_text(max_file_bytes())}
        )
    if not content.startswith(b"PK\x03\x04"):
        raise KitosFileError(_("The file is not an Excel workbook (.xlsx)."))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = set(package.namelist())
            total = sum(info.file_size for info in package.infolist())
    except zipfile.BadZipFile as error:
        raise KitosFileError(_("The file is not an Excel workbook (.xlsx).")) from error
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise KitosFileError(_("The file is not an Excel workbook (.xlsx)."))
    if total > MAX_UNCOMPRESSED_BYTES:
        raise KitosFileError(_("The workbook unpacks to more than the allowed size."))


def _header(rows, kind) -> tuple[int, dict[str, int]]:
    """The header row's number and each known field's column index."""
    columns = COLUMNS[kind]
    for number, row in rows:
        titles = {_norm(cell): index for index, cell in enumerate(row) if cell is not None}
        found = {}
        for column in columns:
            for title in column.titles:
                if _norm(title) in titles:
                    found[column.field] = titles[_norm(title)]
                    break
        if all(c.field in found for c in columns if c.required):
            return number, found
        if number >= HEADER_SEARCH_ROWS:
            break
    missing = ", ".join(f"»{c.titles[0]}«" for c in columns if c.required)
    raise KitosFileError(
        _("No header row with KITOS's columns was found. Required columns: %(columns)s.")
        % {"columns": missing}
    )


def read_rows(content: bytes, kind: str, progress=None) -> list[ParsedRow]:
    """Every data row of the first sheet as a ``ParsedRow`` (empty rows are skipped)."""
    check_file(content)
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True, keep_links=False
        )
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise KitosFileError(_("The workbook could not be read.")) from error
    try:
        sheet = workbook.worksheets[0]
        rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        header_number, index = _header(rows, kind)
        parsed = []
        for number, row in rows:
            if all(cell is None or str(cell).strip() == "" for cell in row):
                continue
            if len(parsed) >= MAX_ROWS:
                raise KitosFileError(
                    _("The file has more than %(rows)s rows.") % {"rows": MAX_ROWS}
                )
            raw = {f: (row[i] if i < len(row) else None) for f, i in index.items()}
            parsed.append(parse_row(number, raw, kind))
            if progress is not None and len(parsed) % 500 == 0:
                progress(len(parsed))
    finally:
        workbook.close()
    return parsed


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _date(value, row, title):
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    match = _DATE.match(text)
    try:
        if match:
            return datetime.date(int(match[3]), int(match[2]), int(match[1]))
        match = _ISO.match(text)
        if match:
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        pass
    row.errors.append(
        _("»%(column)s«: »%(value)s« is not a date (dd-mm-åååå).")
        % {"column": title, "value": text}
    )
    return None


def _int(value, row, title):
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value) < 0 or not float(value).is_integer():
            row.errors.append(
                _("»%(column)s«: »%(value)s« is not a whole, positive number.")
                % {"column": title, "value": value}
            )
            return None
        return int(value)
    text = _text(value).replace("kr.", "").replace("kr", "").strip()
    cleaned = re.sub(r"[.\s\u00a0]", "", text)
    # "3 måneder" is read as 3.
    match = re.match(r"^(\d+)(,0+)?(\D*)$", cleaned)
    if match and match[3].strip().casefold() in ("", "måneder", "mdr", "md"):
        return int(match[1])
    row.errors.append(
        _("»%(column)s«: »%(value)s« is not a whole, positive number.")
        % {"column": title, "value": text}
    )
    return None


def _choice(value, mapping, row, title):
    key = _norm(value)
    if key in mapping:
        return mapping[key]
    row.errors.append(
        _("»%(column)s«: »%(value)s« is not one of KITOS's values.")
        % {"column": title, "value": _text(value)}
    )
    return None


def _uuid(value, row, title):
    try:
        return uuid.UUID(_text(value))
    except ValueError:
        row.errors.append(
            _("»%(column)s«: »%(value)s« is not a UUID.") % {"column": title, "value": _text(value)}
        )
        return None


def parse_row(number: int, raw: dict, kind: str) -> ParsedRow:
    """One row's values by model field, with Danish errors naming KITOS's column."""
    row = ParsedRow(number=number)
    titles = {c.field: c.titles[0] for c in COLUMNS[kind]}
    values = row.values
    values["name"] = _text(raw.get("name"))[:300]
    if not values["name"]:
        row.errors.append(_("»%(column)s« is empty.") % {"column": titles["name"]})
    if _text(raw.get("kitos_uuid")):
        values["kitos_uuid"] = _uuid(raw.get("kitos_uuid"), row, titles["kitos_uuid"])
    else:
        row.errors.append(_("»%(column)s« is empty.") % {"column": titles["kitos_uuid"]})
    values["kitos_unit"] = _text(raw.get("kitos_unit"))[:300]
    if not values["kitos_unit"]:
        row.errors.append(_("»%(column)s« is empty.") % {"column": titles["kitos_unit"]})
    if "supplier" in raw:
        values["supplier"] = _text(raw.get("supplier"))[:300]
    if kind == ImportKind.SYSTEMS:
        if "lifecycle" in raw:
            life = raw.get("lifecycle")
            values["lifecycle"] = (
                _choice(life, LIFECYCLE_VALUES, row, titles["lifecycle"]) or ""
                if _text(life) else ""
            )
        if "business_critical" in raw:
            values["business_critical"] = (
                _choice(raw.get("business_critical"), CRITICAL_VALUES, row,
                        titles["business_critical"])
                or BusinessCritical.UNKNOWN
            )
        if "user_count" in raw:
            values["user_count"] = _text(raw.get("user_count"))[:20]
        if "purpose" in raw:
            values["purpose"] = str(raw.get("purpose") or "").strip()
        return row
    if "contract_id" in raw:
        values["contract_id"] = _text(raw.get("contract_id"))[:100]
    for name in ("valid_from", "valid_to", "irrevocable_until"):
        if name in raw:
            values[name] = _date(raw.get(name), row, titles[name])
    for name in ("notice_months", "yearly_operating_cost", "acquisition_cost"):
        if name in raw:
            values[name] = _int(raw.get(name), row, titles[name])
    if "extension_options" in raw:
        values["extension_options"] = _text(raw.get("extension_options"))[:300]
    if "procurement_strategy" in raw:
        values["procurement_strategy"] = _text(raw.get("procurement_strategy"))[:200]
    if "procurement_plan" in raw:
        plan = _text(raw.get("procurement_plan"))
        values["procurement_plan_quarter"] = values["procurement_plan_year"] = None
        if plan:
            match = _PLAN.match(plan)
            if match:
                values["procurement_plan_quarter"] = int(match[1])
                values["procurement_plan_year"] = int(match[2])
            else:
                row.errors.append(
                    _("»%(column)s«: »%(value)s« is not a quarter and year such as »Q3 | 2027«.")
                    % {"column": titles["procurement_plan"], "value": plan}
                )
    if "procurement_initiated" in raw:
        initiated = raw.get("procurement_initiated")
        values["procurement_initiated"] = (
            _choice(initiated, YES_NO, row, titles["procurement_initiated"])
            if _text(initiated) else None
        )
    if (
        values.get("valid_from") and values.get("valid_to")
        and values["valid_to"] < values["valid_from"]
    ):
        row.errors.append(_("»Gyldig til« is before »Gyldig fra«."))
    if "system_uuids" in raw:
        uuids = []
        for part in _UUID_SPLIT.split(_text(raw.get("system_uuids"))):
            if part:
                value = _uuid(part, row, titles["system_uuids"])
                if value is not None:
                    uuids.append(value)
        values["system_uuids"] = sorted(set(uuids), key=str)
    return row
