"""Spreadsheet import and export in the admin (django-import-export), with limits.

Master data is small (seven departments, a strategy's themes and goals, three
channels), so an upload is refused before anything parses it when it is
larger than ``KK_IMPORT_MAX_BYTES`` (checked on the request's Content-Length
first, then on the file), when it has more than ``KK_IMPORT_MAX_ROWS`` rows,
or when its content is not what its format says: a CSV must be UTF-8 text, an
xlsx a zip holding a workbook whose unpacked size stays within limits (a zip
bomb is refused unopened). Only CSV and xlsx are offered. Every exported text
cell goes through :func:`kkdigital.lib.cells.neutralise`, so a cell written as
``=cmd|…`` never runs as a formula in a spreadsheet program.

Use :class:`SafeImportExportMixin` instead of import-export's
``ImportExportMixin`` on every admin with import or export.
"""

import io
import zipfile

import tablib
from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from kkdigital.lib.cells import neutralise

XLSX_MAGIC = b"PK\x03\x04"
# Unpacked, an xlsx is several times its packed size; more than this is a bomb.
XLSX_MAX_UNPACKED_FACTOR = 20


def _max_bytes() -> int:
    return int(getattr(settings, "KK_IMPORT_MAX_BYTES", 1024 * 1024))


def _max_rows() -> int:
    return int(getattr(settings, "KK_IMPORT_MAX_ROWS", 2000))


def _too_large() -> str:
    return _("The file is too large: at most %(size)s kB can be imported.") % {
        "size": _max_bytes() // 1024
    }


def upload_problem(content: bytes, format_title: str) -> str | None:
    """Why this upload may not be parsed as ``format_title``, or None if it may."""
    if len(content) > _max_bytes():
        return _too_large()
    is_zip = content.startswith(XLSX_MAGIC)
    if format_title.lower() == "xlsx":
        if not is_zip:
            return _("The file is not an Excel workbook (xlsx).")
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
                unpacked = sum(info.file_size for info in archive.infolist())
        except zipfile.BadZipFile:
            return _("The file is not an Excel workbook (xlsx).")
        if "xl/workbook.xml" not in names:
            return _("The file is not an Excel workbook (xlsx).")
        if unpacked > _max_bytes() * XLSX_MAX_UNPACKED_FACTOR:
            return _too_large()
        return None
    if is_zip or b"\x00" in content:
        return _("The file is not a CSV text file.")
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _("The file is not a CSV text file in UTF-8.")
    rows = content.count(b"\n") + (0 if content.endswith(b"\n") else 1)
    if rows > _max_rows() + 1:  # the header row
        return _("The file has too many rows: at most %(rows)s can be imported.") % {
            "rows": _max_rows()
        }
    return None


class _LimitedImportForm:
    """Mixed into import-export's import form: the limits, before any parsing."""

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is None or self.errors:
            return cleaned
        if upload.size > _max_bytes():
            raise forms.ValidationError(_too_large())
        content = b"".join(upload.chunks())
        upload.seek(0)
        try:
            chosen = self.formats[int(cleaned.get("format") or 0)]
        except (IndexError, ValueError, TypeError):
            raise forms.ValidationError(_("Choose the file's format.")) from None
        problem = upload_problem(content, chosen().get_title())
        if problem:
            raise forms.ValidationError(problem)
        return cleaned


class SafeImportExportMixin(ImportExportMixin):
    """Import and export in the admin, with size, row and type limits and formula-safe
    export cells (see the module's docstring)."""

    import_formats = [CSV, XLSX]
    export_formats = [CSV, XLSX]

    def get_import_form_class(self, request):
        base = super().get_import_form_class(request)
        return type(f"Limited{base.__name__}", (_LimitedImportForm, base), {})

    def create_import_form(self, request):
        form = super().create_import_form(request)
        form.formats = self.get_import_formats()
        return form

    def import_action(self, request, **kwargs):
        # Refuse an oversized request before Django reads its body into files.
        if request.method == "POST":
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > _max_bytes() + 64 * 1024:
                messages.error(request, _too_large())
                return redirect(request.path)
        return super().import_action(request, **kwargs)

    def get_data_for_export(self, request, queryset, **kwargs):
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        safe = tablib.Dataset(headers=[neutralise(h) for h in dataset.headers or []])
        for row in dataset:
            safe.append([neutralise(value) for value in row])
        safe.title = dataset.title
        return safe
