"""The financing pages in a real browser: the overview's chart draws, and the case's
money section, the request form and the overview pass axe's WCAG 2.1 A/AA rules."""

import pytest
from django.urls import reverse

from financing import services
from financing.models import Allocation, ChannelKind, PoolRules
from portfolio.models import CaseState

from .browser import PASSWORD, axe_violations
from .factories import CaseEconomyLineFactory, InvestmentCaseFactory
from .factories_money import PriceIndexFactory, capacities, channels

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(browser, live_server, user):
    """As tests.browser.log_in, in a context that lets axe-core's script in past the
    site's Content Security Policy (the site itself keeps its policy)."""
    page = browser.new_context(locale="da-DK", bypass_csp=True).new_page()
    page.set_default_timeout(30_000)
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    return page


@pytest.fixture
def money(cycle, department, secretariat):
    chans = channels()
    for channel in chans.values():
        capacities(channel, {year: 10_000_000 for year in cycle.out_years})
    PriceIndexFactory(year=2027)
    PoolRules.objects.create(cycle=cycle, max_payback_years=4)
    case = InvestmentCaseFactory(department=department, cycle=cycle, state=CaseState.FORWARDED,
                                 title="Fælles platform")
    CaseEconomyLineFactory(case=case, amount=2_000_000)
    CaseEconomyLineFactory(case=case, kind="gain", amount=-1_000_000)
    CaseEconomyLineFactory(case=case, kind="gain", year=None, amount=-1_000_000)
    Allocation.objects.create(case=case, channel=chans[ChannelKind.POOL], year=2027,
                              requested=2_000_000, round="budget")
    services.allocation_grant_set(actor=secretariat, case=case, channel=chans[ChannelKind.POOL],
                                  amounts={2027: 1_500_000})
    return case


def test_the_overview_draws_its_chart_and_passes_axe(browser, live_server, money,
                                                      committee_reader):
    page = log_in(browser, live_server, committee_reader)
    page.goto(live_server.url + reverse("financing:overview"))
    page.wait_for_function("() => window.Chart && Chart.getChart('financing-chart')")
    assert page.locator("#overview-pool").inner_text().count("1.500") >= 1
    assert axe_violations(page) == []


def test_the_case_money_section_and_form_pass_axe(browser, live_server, money, secretariat,
                                                  staff, department, cycle):
    page = log_in(browser, live_server, secretariat)
    page.goto(live_server.url + money.get_absolute_url())
    assert "Opfylder puljens kriterier" in page.locator("#pool-result").inner_text()
    assert axe_violations(page) == []
    draft = InvestmentCaseFactory(department=department, cycle=cycle, title="Kladde")
    own = log_in(browser, live_server, staff)
    own.goto(live_server.url + reverse("financing:case-financing", args=[draft.pk]))
    own.fill("#id_amount_frame_2027", "1.000.000")
    with own.expect_navigation():
        own.click("#money-form button[type=submit]")
    assert Allocation.objects.get(case=draft).requested == 1_000_000
    own.goto(live_server.url + reverse("financing:case-financing", args=[draft.pk]))
    assert axe_violations(own) == []
