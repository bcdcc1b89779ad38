"""In headless Chromium: the secretariat corrects an ØU meeting's date as dd/mm/åååå
in the site's date picker, and the page passes the WCAG 2.1 AA check."""

import datetime

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from governance.models import CommitteeMeeting

from .browser import PASSWORD, axe_violations

pytestmark = pytest.mark.browser


def test_the_secretariat_corrects_a_meetings_date_and_agenda_item(
    browser, live_server, cycle, secretariat
):
    meeting = CommitteeMeeting.objects.create(
        cycle=cycle, held_on=datetime.date(2026, 9, 10), title="Budgetforhandlinger",
        created_by=secretariat,
    )
    # axe-core is injected as a script tag, which the site's CSP would block.
    page = browser.new_context(locale="da-DK", bypass_csp=True).new_page()
    page.set_default_timeout(30_000)
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", secretariat.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    page.goto(live_server.url + reverse("governance:meeting-detail", args=[meeting.pk]))
    with page.expect_navigation():
        page.get_by_role("link", name=gettext("Correct the date or agenda item")).click()
    assert axe_violations(page) == []
    date = page.get_by_label(gettext("Meeting date"))
    assert date.get_attribute("type") != "date"
    assert date.input_value() == "10/09/2026"
    date.fill("17/09/2026")
    page.get_by_label(gettext("Agenda item")).fill("Budgetforhandlinger, punkt 4")
    with page.expect_navigation():
        page.get_by_role("button", name=gettext("Save the correction")).click()
    meeting.refresh_from_db()
    assert (meeting.held_on, meeting.title) == (
        datetime.date(2026, 9, 17), "Budgetforhandlinger, punkt 4"
    )
    assert gettext("The meeting is corrected.") in page.content()
