"""End to end in headless Chromium: the secretariat imports the KITOS sample through
the dry run, and a department user creates a re-tendering case from the radar. Every
register page passes axe-core's WCAG 2.1 A/AA check."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from financing.models import ChannelKind, FinancingChannel
from portfolio.models import InvestmentCase
from portfolio.register.models import Contract, ITSystem
from portfolio.register.rules import add_months

from . import browser as browser_helpers
from .browser import log_in
from .factories_register import ContractFactory, ITSystemFactory, OrgUnitMappingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DATA = Path(__file__).parent / "data"


def axe_violations(page):
    """tests.browser.axe_violations, with axe-core evaluated through the DevTools
    protocol: its inline <script> tag is refused by the site's CSP (script-src 'self')."""
    page.evaluate(Path(browser_helpers.AXE).read_text(encoding="utf-8"))
    return page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.map(v => `${v.id}: ${v.help} (${v.nodes.length}: `
                + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ') + ')');
        }"""
    )


def test_the_secretariat_checks_and_imports_the_kitos_sample(
    browser, live_server, secretariat, department, other_department
):
    for unit, dept in (("Beskæftigelses- og Integrationsforvaltningen", department),
                       ("Jobcenter København", department),
                       ("Sundheds- og Omsorgsforvaltningen", other_department)):
        OrgUnitMappingFactory(kitos_unit=unit, department=dept)
    page = log_in(browser, live_server, secretariat)
    page.goto(live_server.url + reverse("register:import-list"))
    assert axe_violations(page) == []

    page.get_by_label("IT-systemer (oversigt over systemanvendelse)").check()
    page.get_by_label("KITOS-eksport (.xlsx)").set_input_files(str(DATA / "kitos_systemer.xlsx"))
    page.get_by_role("button", name="Kontrollér filen").click()
    page.get_by_role("button", name="Importér filen").wait_for()
    assert "Oprettes: 8" in page.content()
    assert ITSystem.objects.count() == 0
    assert axe_violations(page) == []

    page.get_by_role("button", name="Importér filen").click()
    page.get_by_text("Filen er importeret.").wait_for()
    assert ITSystem.objects.count() == 8


def test_a_department_user_creates_a_re_tendering_case_from_the_radar(
    browser, live_server, staff, department, cycle
):
    FinancingChannel.objects.get_or_create(kind=ChannelKind.LOAN, defaults={"name": "Lån"})
    today = timezone.localdate()
    system = ITSystemFactory(name="Sagssystem", owner_department=department,
                             business_critical="yes")
    contract = ContractFactory(name="Driftsaftale", owner_department=department,
                               systems=[system], valid_to=add_months(today, 26),
                               notice_months=6)
    page = log_in(browser, live_server, staff)
    for name in ("system-list", "contract-list", "consolidation"):
        page.goto(live_server.url + reverse(f"register:{name}"))
        assert axe_violations(page) == [], name
    page.goto(live_server.url + contract.get_absolute_url())
    assert axe_violations(page) == []
    page.goto(live_server.url + reverse("register:radar"))
    assert axe_violations(page) == []

    page.get_by_role("button", name=re.compile(r"Opret udkast til sag\s*:\s*Driftsaftale")).click()
    page.wait_for_url("**/sager/*/")
    case = InvestmentCase.objects.get()
    assert case.title == "Genudbud: Driftsaftale"
    assert Contract.objects.get().case_links.get().case == case

    page.goto(live_server.url + reverse("register:case-systems", args=[case.pk]))
    assert "Sagssystem" in page.content()
    assert axe_violations(page) == []
