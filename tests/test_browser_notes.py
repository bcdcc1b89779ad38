"""In headless Chromium: the exports page follows a job by htmx until it is finished,
and a department imports its spreadsheet through the preview; both pages pass axe."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from governance.exports.models import ExportJob, ExportKind, ExportState
from governance.spreadsheets import imports
from portfolio.models import CaseState, InvestmentCase

from .browser import PASSWORD, axe_violations
from .factories_notes import complete_case

pytestmark = pytest.mark.browser


def log_in(browser, live_server, user):
    """As tests.browser.log_in, in a context that lets axe-core's script in (our CSP
    allows no inline script, which is how Playwright adds it)."""
    page = browser.new_context(locale="da-DK", bypass_csp=True).new_page()
    page.set_default_timeout(30_000)
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    return page


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_exports_page_polls_a_running_job_until_its_file_is_ready(
    browser, live_server, secretariat, cycle, settings
):
    job = ExportJob.objects.create(
        kind=ExportKind.PLAN_PDF, cycle=cycle, created_by=secretariat,
        state=ExportState.RUNNING, progress=40, step="Skriver sagernes afsnit (4 af 10)",
        version_label="Arbejdsversion (ikke frosset), 02.12.2026", queued_at=timezone.now(),
        started_at=timezone.now(),
    )
    page = log_in(browser, live_server, secretariat)
    page.goto(live_server.url + reverse("governance:export-list") + f"?cycle={cycle.pk}")
    row = page.locator(f"#job-{job.pk}")
    assert "I gang" in row.inner_text() and "40 %" in row.inner_text()
    assert axe_violations(page) == []

    folder = settings.MEDIA_ROOT / "exports" / str(job.pk)
    folder.mkdir(parents=True)
    (folder / "budgetnotat-samlet-2027.pdf").write_bytes(b"%PDF-1.7\n")
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportState.DONE, progress=100, step="",
        file=f"exports/{job.pk}/budgetnotat-samlet-2027.pdf", finished_at=timezone.now(),
    )
    # No reload: htmx fetches the row every 2 s and swaps it.
    row.get_by_role("link", name="Hent").wait_for(timeout=15_000)
    assert page.locator(f"#job-{job.pk}").get_attribute("hx-trigger") is None
    assert axe_violations(page) == []


def test_a_department_imports_its_spreadsheet_through_the_preview(
    browser, live_server, staff, department, cycle, tmp_path
):
    case = complete_case(department=department, cycle=cycle, title="Kladde i browseren",
                         state=CaseState.DRAFT)
    content = imports.template_workbook(department, cycle, [case])
    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    headers = [c.value for c in sheet[2]]
    sheet.cell(row=3, column=headers.index("Investering 2027") + 1, value=2_500_000)
    sheet.cell(row=4, column=headers.index("Titel") + 1, value="Ny sag fra browseren")
    path = tmp_path / "sager.xlsx"
    book.save(path)

    page = log_in(browser, live_server, staff)
    page.goto(live_server.url + reverse("governance:sheet-import",
                                        args=[department.code, cycle.budget_year]))
    assert axe_violations(page) == []
    page.set_input_files("input[type=file]", str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Kontrollér filen").click()
    preview = page.locator("table.import-preview").inner_text()
    assert "2.400.000 → 2.500.000 kr." in preview and "Ny sag fra browseren" in preview
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Importér ændringerne").click()
    assert "Importeret: 1 nye sager og 1 ændrede sager." in page.content()
    assert InvestmentCase.objects.filter(title="Ny sag fra browseren").exists()
