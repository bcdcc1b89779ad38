"""End to end in headless Chromium: a BIF staff member writes a case in the browser,
is told what is missing, completes it, and another department cannot open it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext

from governance.models import PhaseKind
from portfolio.forms import EconomyForm
from portfolio.models import CaseState, InvestmentCase

from .browser import log_in
from .factories import PotentialFactory, PrincipleFactory, ThemeFactory, ThemeGoalFactory

pytestmark = pytest.mark.browser


def label(name):
    return str(capfirst(InvestmentCase._meta.get_field(name).verbose_name))


def test_a_staff_member_writes_a_case_the_it_lead_submits_it_and_others_cannot_open_it(
    browser, live_server, cycle, staff, it_lead, outsider
):
    # The intake is open today.
    today = timezone.localdate()
    intake = cycle.phases.get(kind=PhaseKind.INTAKE)
    intake.starts_on, intake.ends_on = today - datetime.timedelta(days=5), today
    intake.save()
    workforce = ThemeFactory(name="Arbejdskraft", number=1)
    ThemeGoalFactory(theme=workforce, text="Vi frigør tid til kerneopgaven.")
    data = ThemeFactory(name="Data", number=2)
    common_first = PrincipleFactory(number=1, name="Fælles først")
    PotentialFactory(number=1, name="Effektivisering")

    page = log_in(browser, live_server, staff)
    page.goto(live_server.url + reverse("portfolio:case-create"))
    page.get_by_label(label("title"), exact=True).fill("Digital jobsøgning")
    page.get_by_label(label("summary"), exact=True).fill("Borgere søger job digitalt.")
    page.get_by_label(str(workforce), exact=True).check()
    page.get_by_label(str(data), exact=True).check()
    page.get_by_text(gettext("Goal statements of “%(name)s”") % {"name": "Arbejdskraft"}).click()
    assert page.get_by_text("Vi frigør tid til kerneopgaven.").is_visible()
    for year, amount in ((2027, "1.000.000"), (2028, "750000"), (2029, "500 000"),
                         (2030, "250.000")):
        page.get_by_label(EconomyForm.cell_label("investment", year), exact=True).fill(amount)
    page.get_by_label(f"{gettext('Gains')}, 2030", exact=True).fill("400.000")
    with page.expect_navigation():
        page.locator("button[value='save:oekonomi']").click()

    case = InvestmentCase.objects.get()
    assert page.url.startswith(live_server.url + reverse("portfolio:case-edit", args=[case.pk]))
    assert {(line.year, line.amount) for line in case.economy_lines.all()} == {
        (2027, 1_000_000), (2028, 750_000), (2029, 500_000), (2030, 250_000), (2030, -400_000)
    }
    assert set(case.themes.all()) == {workforce, data}

    check = page.get_by_role("button", name=gettext("Save and check if the case is ready"))
    with page.expect_navigation():
        check.click()
    summary = page.locator(".alert-error")
    assert summary.is_visible()
    missing = gettext("Describe the background and the problem.")
    assert summary.get_by_role("link", name=missing).count() == 1
    assert page.locator("#id_background-error").inner_text().endswith(missing)
    assert page.get_by_label(label("title"), exact=True).input_value() == "Digital jobsøgning"

    page.get_by_label(label("background"), exact=True).fill("Papirblanketter.")
    page.get_by_label(label("solution"), exact=True).fill("En fælles digital løsning.")
    page.get_by_label(
        gettext("How does the case meet “%(name)s”?") % {"name": common_first.name}
    ).fill("Vi bygger på den fælles platform.")
    page.get_by_label("Effektivisering", exact=True).check()
    page.get_by_label(label("risk_level"), exact=True).select_option("medium")
    page.get_by_label(label("risk_text"), exact=True).fill("Leverandøren kan blive forsinket.")
    page.get_by_label(label("contact_name"), exact=True).fill("Anna Jensen")
    page.get_by_label(label("contact_email"), exact=True).fill("anna@kk.dk")
    with page.expect_navigation():
        check.click()
    assert page.locator(".alert-error").count() == 0
    assert page.get_by_text(gettext("The case is ready to be submitted")).is_visible()
    case.refresh_from_db()
    assert case.submission_problems() == {}
    assert case.state == "draft"

    # The department's IT lead submits it from the case page.
    lead = log_in(browser, live_server, it_lead)
    lead.goto(live_server.url + reverse("portfolio:case-detail", args=[case.pk]))
    submit = gettext("Submit the case")
    with lead.expect_navigation():
        lead.locator(".case-actions").get_by_role("button", name=submit).or_(
            lead.locator(".case-actions").get_by_role("link", name=submit)
        ).first.click()
    if lead.url.rstrip("/").endswith("/submit"):
        with lead.expect_navigation():
            lead.locator("main form").get_by_role("button", name=submit).click()
    case.refresh_from_db()
    assert case.state == "submitted"
    assert lead.get_by_text(str(CaseState.SUBMITTED.label)).first.is_visible()
    assert case.transitions.get().actor == it_lead

    # Another department does not even learn that the case exists.
    other = log_in(browser, live_server, outsider)
    for url in (
        reverse("portfolio:case-edit", args=[case.pk]),
        reverse("portfolio:case-detail", args=[case.pk]),
    ):
        response = other.goto(live_server.url + url)
        assert response.status == 404
