"""PDF documents (budget notes, the collected plan note) rendered by WeasyPrint.

One way in: :func:`render_pdf` renders a Django template to HTML and the HTML to
PDF with print CSS. Nothing in a PDF is fetched from outside the app:

* the base URL is a fixed address of our own (``STATIC_ORIGIN``), never taken
  from a request or from user text;
* :class:`StaticOnlyFetcher` refuses every URL (deny by default) except
  ``data:`` URIs and the app's own static files below that origin, whose real
  path (symlinks resolved) must lie inside one of the static roots; it never
  opens a network connection, so there is no redirect to follow;
* user text reaches the template as plain strings, which Django escapes, so a
  case text with ``<img src="http://…">`` or ``<link rel=attachment>`` is text.

The PDF is tagged for screen readers: PDF/UA-1 by default, or the archival
PDF/A-3a variant, which WeasyPrint tags as well (one variant per document is
what WeasyPrint supports; PDF/A-3a is tagged PDF/A, the closest it has to both).

A long document (the collected note of a plan) is laid out in parts with
:func:`layout_html` and written once with :func:`write_pdf`, inside
:func:`quiet_collector`; see ``governance.notes.collected``.
"""

import gc
import logging
import os
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string

log = logging.getLogger("kkdigital.pdf")

# The address static files have inside a PDF: a name of our own that no network
# resolves (.invalid, RFC 2606); the fetcher maps it to files on disk.
STATIC_ORIGIN = "https://kkdigital.invalid"

VARIANTS = {
    "ua": "pdf/ua-1",  # tagged, identified as PDF/UA: what a screen reader needs
    "archive": "pdf/a-3a",  # archival PDF/A, level A (tagged)
}
MIME_TYPES = {
    ".css": "text/css",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}


class FetchRefused(ValueError):
    """A PDF asked for something outside the app; WeasyPrint leaves it out."""


def static_roots() -> list[Path]:
    """The folders the app's static files live in, with symlinks resolved."""
    roots = [Path(settings.STATIC_ROOT)]
    roots += [Path(d if isinstance(d, str | os.PathLike) else d[1]) for d in
              settings.STATICFILES_DIRS]
    roots += [Path(app.path) / "static" for app in apps.get_app_configs()]
    real = []
    for root in roots:
        if root.is_dir():
            resolved = root.resolve()
            if resolved not in real:
                real.append(resolved)
    return real


def static_file(relative: str) -> Path | None:
    """The file of a static path, if it really is inside a static root.

    The real path is compared, so ``..`` and a symlink that points out of the
    static folders are both refused.
    """
    relative = unquote(relative).lstrip("/")
    if not relative or "\x00" in relative:
        return None
    for root in static_roots():
        candidate = Path(os.path.realpath(root / relative))
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


def _weasy():
    # Imported late: WeasyPrint loads Pango and fonts, which only PDF work needs.
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    return weasyprint, URLFetcher, URLFetcherResponse


def make_fetcher():
    """A deny-by-default WeasyPrint URL fetcher (see the module docstring)."""
    _weasyprint, URLFetcher, URLFetcherResponse = _weasy()

    class StaticOnlyFetcher(URLFetcher):
        def __init__(self):
            # Only the data: handler is ever used; no redirects in any case.
            super().__init__(allowed_protocols=("data",), allow_redirects=False, timeout=1)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            prefix = "/" + settings.STATIC_URL.strip("/") + "/"
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin == STATIC_ORIGIN and parts.path.startswith(prefix) and not parts.query:
                path = static_file(parts.path[len(prefix):])
                if path is not None:
                    mime = MIME_TYPES.get(path.suffix.lower(), "application/octet-stream")
                    return URLFetcherResponse(
                        url, path.read_bytes(), {"Content-Type": mime}
                    )
            self.refused.append(url)
            log.warning("PDF: refused to fetch %s", url[:200])
            raise FetchRefused(f"Not fetched: {url[:200]}")

    return StaticOnlyFetcher()


def font_configuration():
    """One font configuration to share between the parts of one document: the fonts
    are looked up once, and the parts' pages can be written into one PDF."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _options(variant: str) -> dict:
    return {
        "pdf_variant": VARIANTS[variant],
        "pdf_tags": True,
        # No custom metadata: nothing from the page's <meta> beyond title and language.
        "custom_metadata": False,
    }


def layout_html(html: str, *, variant: str = "ua", fetcher=None, font_config=None):
    """The laid-out pages (a WeasyPrint ``Document``) of an HTML string made by our own
    templates; :func:`write_pdf` makes the PDF of them."""
    weasyprint, _fetcher_cls, _response = _weasy()
    document = weasyprint.HTML(
        string=html, base_url=STATIC_ORIGIN + "/", url_fetcher=fetcher or make_fetcher(),
        media_type="print",
    )
    return document.render(font_config=font_config, **_options(variant))


def layout_template(template_name: str, context: dict, **options):
    """:func:`layout_html` of ``template_name`` rendered with ``context``."""
    return layout_html(render_to_string(template_name, context), **options)


def write_pdf(document, pages=None, *, variant: str = "ua") -> bytes:
    """PDF bytes of ``pages`` (laid out by :func:`layout_html`, possibly from several
    documents sharing one font configuration; all of ``document``'s by default), with
    ``document``'s title and language."""
    _patch_page_references()
    _patch_compression_level()
    if pages is not None:
        document = document.copy(pages)
    return document.write_pdf(**_options(variant))


def render_html(html: str, *, variant: str = "ua", title: str = "", fetcher=None) -> bytes:
    """PDF bytes of an HTML string made by our own templates."""
    return write_pdf(layout_html(html, variant=variant, fetcher=fetcher), variant=variant)


def render_pdf(template_name: str, context: dict, *, variant: str = "ua", fetcher=None) -> bytes:
    """Render ``template_name`` with ``context`` and return the PDF's bytes."""
    html = render_to_string(template_name, context)
    return render_html(html, variant=variant, fetcher=fetcher)


@contextmanager
def quiet_collector():
    """Python's cyclic garbage collector kept out of a long layout.

    WeasyPrint builds millions of small objects (styles, boxes, PDF objects), and the
    collector, left alone, walks all of them again and again while they are made:
    about a third of the collected note's time. Inside this block it runs only when
    :func:`settle` asks (after each part); what lived before (Django, the app) is frozen
    so that it is never walked. Afterwards the collector is on again and nothing is
    frozen: the document's pages must be collectable once the PDF is written, and
    ``gc.unfreeze`` cannot tell them from what a web worker froze at start
    (``kkdigital.lib.collector.tune``). Only the export worker lays out long documents,
    and it does not freeze anything of its own.
    """
    enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def settle() -> None:
    """Inside :func:`quiet_collector`, after a part is laid out: free its garbage (the
    HTML tree, the styles and boxes it no longer needs) and freeze what is left (its
    pages), so that later collections do not walk it again."""
    gc.collect()
    gc.freeze()


# zlib's own default: level 9 took four times as long for a PDF 5 % smaller (the
# 100-case note's streams: 1,7 s against 0,4 s of zlib; 1.444 kB against 1.516 kB).
COMPRESSION_LEVEL = 6


def _patch_compression_level() -> None:
    """pydyf 0.13 deflates every stream at level 9 (``zlib.compressobj(level=9)``), a
    quarter of the time spent writing the collected note; its streams are deflated at
    ``COMPRESSION_LEVEL`` instead. The PDF reads the same: only its size changes."""
    import zlib

    import pydyf

    if getattr(pydyf.zlib, "_kk_compression_level", None) == COMPRESSION_LEVEL:
        return

    class Deflate:
        """pydyf's view of ``zlib``: the module, with its level for compressobj."""

        _kk_compression_level = COMPRESSION_LEVEL
        compress = staticmethod(zlib.compress)
        error = zlib.error

        @staticmethod
        def compressobj(**kwargs):
            return zlib.compressobj(**{**kwargs, "level": COMPRESSION_LEVEL})

    pydyf.zlib = Deflate


def _patch_page_references() -> None:
    """pydyf 0.13's ``PDF.page_references`` builds the list of every page's reference
    each time it is read, and WeasyPrint's tagging reads it for every tagged element:
    quadratic in the pages (about a second for a 200-page note). The same tuple,
    built again only when a page has been added since."""
    import pydyf

    if getattr(pydyf.PDF, "_kk_cached_page_references", False):
        return

    def page_references(pdf):
        kids = pdf.pages["Kids"]
        cached = pdf.__dict__.get("_kk_page_references")
        if cached is None or cached[0] != len(kids):
            cached = (len(kids), tuple(f"{n} 0 R".encode("ascii") for n in kids[::3]))
            pdf.__dict__["_kk_page_references"] = cached
        return cached[1]

    pydyf.PDF.page_references = property(page_references)
    pydyf.PDF._kk_cached_page_references = True
