"""The Danish catalogue is complete, Danish is the default and English can be chosen."""

import importlib.util
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse

PO_FILE = Path(django_settings.BASE_DIR) / "locale" / "da" / "LC_MESSAGES" / "django.po"


def load_checker():
    path = Path(django_settings.BASE_DIR) / ".ci" / "check_translations.py"
    spec = importlib.util.spec_from_file_location("check_translations", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def compiled_catalogue(settings):
    """Compile the catalogue if the .po is newer than the .mo (the .mo is not in git)."""
    mo_file = PO_FILE.with_suffix(".mo")
    if not mo_file.exists() or mo_file.stat().st_mtime < PO_FILE.stat().st_mtime:
        call_command("compilemessages", locale=["da"], ignore_patterns=[".venv", "static"],
                     verbosity=0)
        # Changing LOCALE_PATHS makes Django drop its cached translations.
        settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)


def test_the_danish_catalogue_has_no_untranslated_or_fuzzy_entries(capsys):
    checker = load_checker()
    assert checker.main(str(PO_FILE)) == 0, capsys.readouterr().out


def test_the_checker_catches_an_empty_and_a_fuzzy_entry(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Draft"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Approved"\nmsgstr "Godkendt"\n\n'
        'msgid "Rejected"\nmsgstr "Afvist"\n',
        encoding="utf-8",
    )
    problems = [msgid for msgid, fuzzy, strs in load_checker().entries(po.read_text())
                if msgid and (fuzzy or not all(strs))]
    assert problems == ["Draft", "Approved"]


@pytest.mark.django_db
def test_pages_are_danish_by_default(client, compiled_catalogue):
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="da">' in html
    assert "Log ind" in html
    assert "Tilgængelighedserklæring" in html


@pytest.mark.django_db
def test_switching_language_gives_english_pages(client, compiled_catalogue):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("login")}
    )
    assert response.status_code == 302
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html
    assert "Log ind" not in html
    assert 'name="language" value="da"' in html


@pytest.mark.django_db
def test_the_states_are_danish(client, compiled_catalogue, staff, cycle):
    from portfolio.models import CaseState

    from .factories import InvestmentCaseFactory

    InvestmentCaseFactory(department=staff.department, cycle=cycle, state=CaseState.FORWARDED)
    client.force_login(staff)
    html = client.get(reverse("home")).content.decode()
    assert "Videresendt til Økonomiudvalget" in html
    assert "Forside" in html


@pytest.mark.django_db
def test_an_english_browser_still_gets_danish_until_the_user_switches(client, compiled_catalogue):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="da">' in html
    assert "Log ind" in html
