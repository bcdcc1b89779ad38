"""axe-core in headless Chromium on the development plan, a frozen version with what
changed since the one before, and the audit log: no WCAG 2.1 A/AA violation."""

import pytest
from django.urls import reverse

from governance.plans.services import plan_freeze

from .browser import axe_violations
from .test_browser_board import log_in_for_axe
from .test_governance_plan_pages import money, publish  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


def test_the_plan_its_versions_and_the_audit_log_pass_axe(
    browser,
    live_server,
    secretariat,
    director,
    cycle,
    money,
    department,
    other_department,  # noqa: F811
):
    publish(cycle, secretariat, money, department, other_department, 3, "Sag")
    plan_freeze(actor=secretariat, cycle=cycle, gate="transfer_case")
    publish(cycle, secretariat, money, department, other_department, 2, "Mere")
    version = plan_freeze(actor=secretariat, cycle=cycle, gate="budget_negotiations")
    pages = {
        director: [reverse("governance:plan") + f"?cycle={cycle.pk}"],
        secretariat: [
            reverse("governance:plan-version", args=[version.pk]),
            reverse("governance:audit-log") + f"?cycle={cycle.pk}",
        ],
    }
    for user, urls in pages.items():
        page = log_in_for_axe(browser, live_server, user)
        for url in urls:
            page.goto(live_server.url + url)
            assert page.locator("h1").count() == 1, url
            assert axe_violations(page) == [], url
            if "versioner" in url:
                # The version says what came in since the version before.
                assert "Mere 001" in page.locator("main").inner_text()
