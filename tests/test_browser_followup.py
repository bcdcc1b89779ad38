"""End to end in headless Chromium: the follow-up pages, the portfolio at a glance and
the strategy on the plan page have no WCAG 2.1 A/AA violation (axe-core), and a
department fills in and submits a report in the browser."""

import datetime

import pytest
from django.urls import reverse

from governance.followup.models import FollowUpReport, ReportStatus
from strategy.models import DepartmentStrategy, TargetKind, TargetMetric

from .browser import PASSWORD, axe_violations
from .factories import InvestmentCaseFactory, ThemeFactory
from .factories_followup import approved_case, fill, open_round
from .factories_money import AllocationFactory, channels

pytestmark = pytest.mark.browser


def log_in(browser, live_server, user):
    """As tests/browser.py's, with the page's CSP bypassed so that axe-core can be injected
    (the app's CSP allows no inline script, and Playwright injects axe inline)."""
    page = browser.new_context(locale="da-DK", bypass_csp=True).new_page()
    page.set_default_timeout(30_000)
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    return page


@pytest.fixture
def data(db, secretariat, staff, outsider, department, other_department, cycle):
    theme = ThemeFactory(name="Arbejdskraft", number=1)
    chans = channels()
    case = approved_case(
        department=department, cycle=cycle, title="AI til resumé", gains={2027: 1_000_000}
    )
    case.themes.add(theme)
    AllocationFactory(
        case=case, channel=chans["frame"], year=2027, requested=6_000_000, granted=6_000_000
    )
    other = approved_case(department=other_department, cycle=cycle, title="Telemedicin")
    round_ = open_round(secretariat, year=2027, season="november")
    fill(
        FollowUpReport.objects.get(round=round_, case=other),
        outsider,
        expected_total=13_000_000,
        expected_completion=datetime.date(2029, 6, 1),
        cost_override="yellow",
        cost_override_reason="Merudgiften er finansieret.",
    )
    strategy = DepartmentStrategy.objects.create(
        department=department,
        name="Digitaliseringsstrategi for BIF 2025–2027",
        starts_year=2025,
        ends_year=2027,
    )
    TargetMetric.objects.create(
        strategy=strategy,
        order=1,
        name="Grønne krav",
        kind=TargetKind.GREEN_SHARE,
        unit="percent",
        target_low=80,
    )
    InvestmentCaseFactory(
        department=other_department,
        cycle=cycle,
        state="submitted",
        title="AI til resumé af samtaler",
    )
    return {
        "round": round_,
        "case": case,
        "report": FollowUpReport.objects.get(round=round_, case=case),
    }


def test_the_secretariats_pages_have_no_accessibility_violations(
    browser, live_server, secretariat, data
):
    page = log_in(browser, live_server, secretariat)
    round_ = data["round"]
    for url in (
        reverse("governance:followup-list"),
        reverse("governance:followup-round-create"),
        round_.get_absolute_url(),
        reverse("governance:followup-round-report", args=[round_.pk]),
        reverse("governance:followup-rebaseline", args=[data["case"].pk]),
        reverse("governance:portfolio-glance"),
        data["case"].get_absolute_url(),
    ):
        page.goto(live_server.url + url)
        assert page.locator("h1").count() == 1, url
        assert axe_violations(page) == [], url


def test_a_department_fills_in_and_submits_its_report_in_the_browser(
    browser, live_server, staff, it_lead, department, data, cycle
):
    report = data["report"]
    page = log_in(browser, live_server, staff)
    for url in (
        reverse("governance:followup-list"),
        report.get_absolute_url(),
        reverse("portfolio:department-plan", args=[department.code, cycle.budget_year]),
    ):
        page.goto(live_server.url + url)
        assert axe_violations(page) == [], url
    page.goto(live_server.url + reverse("governance:followup-report-edit", args=[report.pk]))
    assert axe_violations(page) == []
    page.fill("#id_status_text", "Piloten kører i to jobcentre.")
    page.fill("#id_expected_total_cost", "6.300.000")
    page.fill("#id_expected_completion", "28/02/2029")
    page.fill("#id_spent_2027", "4.000.000")
    page.fill("#id_realised_2027", "950.000")
    page.select_option("#id_schedule_override", "green")
    with page.expect_navigation():
        page.click("button[type=submit].button-primary")
    # The override lacks its justification: the error is next to the field, the input kept.
    assert page.locator("#id_schedule_override_reason_error").is_visible()
    assert page.input_value("#id_expected_total_cost") == "6.300.000"
    assert axe_violations(page) == []
    page.fill("#id_schedule_override_reason", "Forsinkelsen skyldes leverandøren og er aftalt.")
    with page.expect_navigation():
        page.click("button[type=submit].button-primary")
    assert page.locator(".kk-light--yellow").count() >= 1  # 5 % over: yellow cost light

    page = log_in(browser, live_server, it_lead)
    page.goto(live_server.url + report.get_absolute_url())
    with page.expect_navigation():
        page.click("form[action$='indsend/'] button")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert "Forsinkelsen skyldes leverandøren" in page.content()
    assert axe_violations(page) == []
