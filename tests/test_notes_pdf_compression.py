"""The PDF's streams are deflated at our level, not pydyf's level 9 (kkdigital.lib.pdf)."""

import io
import re

from pypdf import PdfReader

from kkdigital.lib import pdf

# The second byte of a zlib header names the level class: 0x9C for zlib's default
# (levels 6 and 7 here), 0xDA for the slowest levels 8 and 9.
DEFAULT_LEVEL = b"\x78\x9c"
SLOWEST_LEVEL = b"\x78\xda"


def _deflated_streams(data: bytes) -> list[bytes]:
    return [match.group(1)[:2] for match in
            re.finditer(rb"/FlateDecode.*?stream\r?\n(..)", data, re.DOTALL)]


def test_it_deflates_every_stream_at_the_default_level():
    html = ("<html lang=da><head><title>Notat</title></head><body><h1>Budgetnotat</h1>"
            + "<p>Økonomiforvaltningen indstiller.</p>" * 50 + "</body></html>")
    data = pdf.render_html(html, variant="archive")
    headers = _deflated_streams(data)
    assert headers
    assert set(headers) == {DEFAULT_LEVEL}
    assert SLOWEST_LEVEL not in headers
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Økonomiforvaltningen indstiller." in text
