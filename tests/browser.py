"""Headless Chromium for the end-to-end tests (marker ``browser``): the ``browser``
fixture (registered in conftest.py) and logging a user in on the live server."""

import os
import shutil

import pytest
from django.db import connections
from django.urls import reverse

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "kode-til-test-123"  # tests/factories.py UserFactory
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser(monkeypatch):
    if not shutil.which(CHROMIUM):
        message = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the test still
    # reads the database synchronously between browser steps.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()
        # While Playwright's loop runs, the ORM calls of the test get their own
        # connection; close it so that the test database can be dropped.
        connections.close_all()


def log_in(browser, live_server, user):
    """A new browser context (its own cookies) with ``user`` logged in, in Danish."""
    page = browser.new_context(locale="da-DK").new_page()
    # Generous: CI shares two cores with the PostgreSQL server and the suite.
    page.set_default_timeout(30_000)
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    return page


AXE = os.path.join(os.path.dirname(__file__), "assets", "axe-core", "axe.min.js")


def axe_violations(page):
    """The WCAG 2.1 A/AA violations axe-core finds on the page as it is now, as
    readable lines ("rule: help (n elements)"); an empty list is a pass."""
    # Through the DevTools protocol, which the site's Content-Security-Policy does not
    # govern (a <script> tag would be refused by it, as it should be).
    with open(AXE, encoding="utf-8") as source:
        page.evaluate(source.read())
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.map(v => `${v.id}: ${v.help} (${v.nodes.length}: `
                + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ') + ')');
        }"""
    )
    return result
