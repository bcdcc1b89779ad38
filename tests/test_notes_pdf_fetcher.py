"""Nothing in a PDF is fetched from outside the app (kkdigital.lib.pdf)."""

import http.server
import io
import os
import threading

import pytest
from django.template import engines
from pypdf import PdfReader

from kkdigital.lib import pdf
from portfolio.models import CaseState

from .factories_notes import complete_case

PIXEL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4"
    "2mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.fixture
def recording_server():
    """A local HTTP server that records every request it receives."""
    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            requests.append(self.path)
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], requests
    server.shutdown()
    server.server_close()


def hostile_text(port):
    return (
        f'<img src="http://127.0.0.1:{port}/img.png"> file:///etc/passwd '
        f'<link rel=attachment href="http://127.0.0.1:{port}/a.txt">'
        f'<style>@import url("http://127.0.0.1:{port}/x.css");</style>'
    )


def _embedded(data: bytes):
    reader = PdfReader(io.BytesIO(data))
    images = [img for page in reader.pages for img in page.images]
    return reader, images, reader.attachments


@pytest.mark.django_db
def test_case_text_with_urls_fetches_nothing_and_is_shown_as_text(
    recording_server, department, cycle
):
    port, requests = recording_server
    case = complete_case(
        department=department, cycle=cycle, state=CaseState.QUALIFIED,
        background=hostile_text(port), solution=hostile_text(port),
    )
    from governance.notes.render import case_note_pdf

    data = case_note_pdf(case)
    assert requests == []
    reader, images, attachments = _embedded(data)
    assert images == [] and attachments == {}
    text = "".join(page.extract_text() for page in reader.pages)
    assert "file:///etc/passwd" in text  # escaped, printed as the department wrote it
    assert f"127.0.0.1:{port}/img.png" in text


@pytest.mark.django_db
def test_the_fetcher_refuses_everything_but_data_and_own_static_files(recording_server):
    # Raw HTML straight to WeasyPrint, as if the escaping failed somewhere.
    port, requests = recording_server
    html = (
        "<html lang=da><head><title>x</title>"
        f'<style>@import url("http://127.0.0.1:{port}/import.css");</style>'
        f'<link rel=stylesheet href="http://127.0.0.1:{port}/style.css">'
        f'<link rel=attachment href="http://127.0.0.1:{port}/attachment.txt">'
        '<link rel=attachment href="file:///etc/passwd">'
        "</head><body><h1>Notat</h1>"
        f'<img alt="a" src="http://127.0.0.1:{port}/img.png">'
        '<img alt="b" src="file:///etc/passwd">'
        '<img alt="c" src="/static/../../../../etc/passwd">'
        f'<img alt="d" src="{PIXEL}">'
        "</body></html>"
    )
    fetcher = pdf.make_fetcher()
    data = pdf.render_html(html, fetcher=fetcher)
    assert requests == []
    _reader, images, attachments = _embedded(data)
    assert attachments == {}
    assert len(images) == 1  # only the data: pixel
    assert f"http://127.0.0.1:{port}/import.css" in fetcher.refused
    assert "file:///etc/passwd" in fetcher.refused


def test_static_files_resolve_only_inside_the_static_roots(tmp_path, settings):
    root = tmp_path / "static"
    root.mkdir()
    (root / "ok.css").write_text("h1 { color: black }")
    secret = tmp_path / "secret.txt"
    secret.write_text("hemmeligt")
    os.symlink(secret, root / "escape.css")
    settings.STATIC_ROOT = root
    settings.STATICFILES_DIRS = []
    assert pdf.static_file("ok.css") == (root / "ok.css").resolve()
    assert pdf.static_file("escape.css") is None
    assert pdf.static_file("../secret.txt") is None
    assert pdf.static_file("%2e%2e/secret.txt") is None


def test_the_fetcher_serves_the_notes_stylesheet_and_nothing_else_of_our_origin():
    fetcher = pdf.make_fetcher()
    response = fetcher(pdf.STATIC_ORIGIN + "/static/notes/note.css")
    assert b"@page" in response.read()
    for url in (
        pdf.STATIC_ORIGIN + "/media/exports/x.pdf",
        pdf.STATIC_ORIGIN + "/static/notes/note.css?x=1",
        "https://example.org/static/notes/note.css",
        "ftp://127.0.0.1/x",
    ):
        with pytest.raises(pdf.FetchRefused):
            fetcher(url)


def test_the_base_template_sets_no_base_url_from_input():
    # The template links its stylesheet by our static tag, resolved against the
    # fixed origin; no template variable reaches <base> or a stylesheet URL.
    source = engines["django"].engine.get_template("notes/pdf/base.html").source
    assert "<base" not in source
    assert "{% static 'notes/note.css' %}" in source
