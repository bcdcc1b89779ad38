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
"""

import logging
import os
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


def render_html(html: str, *, variant: str = "ua", title: str = "", fetcher=None) -> bytes:
    """PDF bytes of an HTML string made by our own templates."""
    weasyprint, _fetcher_cls, _response = _weasy()
    fetcher = fetcher or make_fetcher()
    document = weasyprint.HTML(
        string=html, base_url=STATIC_ORIGIN + "/", url_fetcher=fetcher, media_type="print"
    )
    return document.write_pdf(
        pdf_variant=VARIANTS[variant],
        pdf_tags=True,
        # No custom metadata: nothing from the page's <meta> beyond title and language.
        custom_metadata=False,
    )


def render_pdf(template_name: str, context: dict, *, variant: str = "ua", fetcher=None) -> bytes:
    """Render ``template_name`` with ``context`` and return the PDF's bytes."""
    html = render_to_string(template_name, context)
    return render_html(html, variant=variant, fetcher=fetcher)
