"""End to end in headless Chromium: one BIF case through the whole annual cycle, from
draft to the Economic Committee's decision, and the story it leaves on its timeline.

Between the steps the test moves the phase dates, as the secretariat does on the
cycle page; the secretariat's return is made outside the qualification phase,
with a reason, to prove the override path too.
"""

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from governance.board.models import BoardEntry, Score
from governance.models import (
    CaseTransition,
    CommitteeMeeting,
    Decision,
    DecisionOutcome,
    Notification,
    PhaseKind,
    PrioritisationRound,
)
from portfolio.models import CaseState, InvestmentCase

from .browser import log_in
from .governance_helpers import complete_case, open_phases

pytestmark = pytest.mark.browser

TITLE = "Digital jobsøgning"
RETURN_COMMENT = "Beskriv gevinsterne for borgerne i 2028."
OVERRIDE_REASON = "Sagen mangler gevinster; BIF kan nå at rette den i indhentningen."
DECISION_TEXT = "Indstillingen blev godkendt uden afstemning"


def verbose(model, name):
    return str(capfirst(model._meta.get_field(name).verbose_name))


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def test_a_case_goes_from_draft_to_the_committees_decision_and_tells_its_story(
    browser, live_server, cycle, department, staff, it_lead, director, secretariat
):
    url = live_server.url
    open_phases(cycle, PhaseKind.INTAKE)
    case = complete_case(
        title=TITLE, department=department, cycle=cycle, created_by=staff,
        contact_name="", contact_email="",
    )
    case_url = url + reverse("portfolio:case-detail", args=[case.pk])

    # BIF's staff member completes the case: the contact person is the last part.
    bif = log_in(browser, live_server, staff)
    bif.goto(url + reverse("portfolio:case-edit", args=[case.pk]))
    bif.get_by_label(verbose(InvestmentCase, "contact_name"), exact=True).fill("Anna Jensen")
    bif.get_by_label(verbose(InvestmentCase, "contact_email"), exact=True).fill("anna@kk.dk")
    click_and_wait(
        bif, bif.get_by_role("button", name=gettext("Save and check if the case is ready"))
    )
    assert bif.get_by_text(gettext("The case is ready to be submitted")).is_visible()
    case.refresh_from_db()
    assert (case.contact_name, case.submission_problems()) == ("Anna Jensen", {})

    # The IT lead submits it from the case page.
    lead = log_in(browser, live_server, it_lead)
    lead.goto(case_url)
    submit = lead.locator(".case-actions").get_by_role("button", name=gettext("Submit the case"))
    click_and_wait(lead, submit)
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED

    # The secretariat returns it from the queue while the intake is still open:
    # outside the qualification phase, so it must give a reason.
    okf = log_in(browser, live_server, secretariat)
    okf.goto(url + reverse("governance:qualification-queue"))
    queued = okf.locator("tr", has_text=TITLE)
    click_and_wait(okf, queued.get_by_role("link", name=gettext("Return")))
    okf.get_by_label(gettext("Comment to the department")).fill(RETURN_COMMENT)
    okf.get_by_label(gettext("Reason for acting outside the phase")).fill(OVERRIDE_REASON)
    send_back = gettext("Return to the department")
    click_and_wait(okf, okf.locator("main form").get_by_role("button", name=send_back))
    assert okf.url == url + reverse("governance:qualification-queue")
    returned = CaseTransition.objects.get(case=case, to_state=CaseState.RETURNED)
    assert (returned.comment, returned.phase_override_reason) == (RETURN_COMMENT, OVERRIDE_REASON)

    # The department reads the comment at the top of the case page.
    bif.goto(case_url)
    notice = bif.locator("article.case-page > :first-child")
    assert gettext("Returned by the secretariat") in notice.inner_text()
    assert RETURN_COMMENT in notice.inner_text()

    # The IT lead resubmits; the secretariat qualifies it in its phase.
    lead.goto(case_url)
    click_and_wait(lead, submit)
    open_phases(cycle, PhaseKind.QUALIFICATION)
    okf.goto(url + reverse("governance:qualification-queue"))
    click_and_wait(okf, queued.get_by_role("button", name=gettext("Qualify")))
    case.refresh_from_db()
    assert case.state == CaseState.QUALIFIED

    # An IT director scores it on every criterion and recommends it on the board.
    open_phases(cycle, PhaseKind.PRIORITISATION)
    directors = log_in(browser, live_server, director)
    directors.goto(url + reverse("governance:board-score", args=[case.pk]))
    for fieldset in directors.locator("main form fieldset").all():
        fieldset.get_by_label("4", exact=True).check()
    click_and_wait(directors, directors.get_by_role("button", name=gettext("Save my scores")))
    assert Score.objects.filter(case=case, director=director, value=4).count() == 6
    directors.goto(url + reverse("governance:board-recommend", args=[case.pk]))
    directors.get_by_label(gettext("Recommendation")).select_option("recommended")
    directors.get_by_label(gettext("Reason")).fill("Stor gevinst for borgerne.")
    click_and_wait(
        directors, directors.get_by_role("button", name=gettext("Save the recommendation"))
    )
    assert BoardEntry.objects.get(case=case).recommendation == "recommended"

    # Before publication BIF sees neither the board nor the reason.
    bif.goto(url + reverse("governance:prioritisation"))
    assert bif.get_by_text("Stor gevinst for borgerne.").count() == 0
    bif.goto(case_url)
    assert bif.locator(".kk-assessment").count() == 0

    # The secretariat publishes the prioritisation after reading what is open.
    okf.goto(url + reverse("governance:prioritisation-publish", args=[cycle.pk]))
    okf.get_by_label(gettext("I have read what is still open and want to publish")).check()
    click_and_wait(okf, okf.locator("main form").get_by_role("button", name=gettext("Publish")))
    case.refresh_from_db()
    assert case.state == CaseState.PRIORITISED
    assert PrioritisationRound.objects.get(cycle=cycle).published_by == secretariat

    # It registers the committee's meeting, forwards the case and records the decision.
    open_phases(cycle, PhaseKind.BUDGET_NEGOTIATIONS)
    okf.goto(url + reverse("governance:meeting-list"))
    okf.get_by_label(verbose(CommitteeMeeting, "held_on")).fill(
        timezone.localdate().isoformat()
    )
    okf.get_by_label(verbose(CommitteeMeeting, "title")).fill("Budgetforhandlinger, punkt 4")
    click_and_wait(okf, okf.get_by_role("button", name=gettext("Register the meeting")))
    meeting = CommitteeMeeting.objects.get(cycle=cycle)
    okf.goto(url + reverse("governance:meeting-list"))
    click_and_wait(okf, okf.get_by_role("link", name=gettext("Forward prioritised cases")))
    okf.get_by_label(TITLE).check()
    okf.get_by_label(gettext("Meeting")).select_option(str(meeting.pk))
    click_and_wait(okf, okf.locator("main form").get_by_role("button", name=gettext("Forward")))
    assert okf.url == url + reverse("governance:meeting-detail", args=[meeting.pk])
    decide = okf.locator(f"section[aria-labelledby='decide-{case.pk}']")
    decide.get_by_label(str(DecisionOutcome.APPROVED.label), exact=True).check()
    decide.get_by_label(gettext("Decision text")).fill(DECISION_TEXT)
    click_and_wait(okf, decide.get_by_role("button", name=gettext("Record the decision")))
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    decision = Decision.objects.get(case=case)
    assert (decision.meeting, decision.text, decision.decided_on) == (
        meeting, DECISION_TEXT, meeting.held_on
    )

    # BIF's staff member reads the whole story on the case page.
    bif.goto(case_url)
    assert DECISION_TEXT in bif.locator(".kk-decisions").inner_text()
    assert bif.locator(".kk-assessment").inner_text().count("Stor gevinst for borgerne.") == 1
    story = bif.locator(".case-timeline").inner_text()
    transitions = list(case.transitions.select_related("actor").order_by("created_at", "pk"))
    assert [(t.from_state, t.to_state) for t in transitions] == [
        (CaseState.DRAFT, CaseState.SUBMITTED),
        (CaseState.SUBMITTED, CaseState.RETURNED),
        (CaseState.RETURNED, CaseState.SUBMITTED),
        (CaseState.SUBMITTED, CaseState.QUALIFIED),
        (CaseState.QUALIFIED, CaseState.PRIORITISED),
        (CaseState.PRIORITISED, CaseState.FORWARDED),
        (CaseState.FORWARDED, CaseState.APPROVED),
    ]
    with translation.override("da"):
        for transition in transitions:
            line = gettext("State: %(old)s → %(new)s") % {
                "old": CaseState(transition.from_state).label,
                "new": CaseState(transition.to_state).label,
            }
            assert line in story
            when = dateformat.format(
                timezone.localtime(transition.created_at), gettext("N j, Y, H:i")
            )
            assert f"{transition.actor.get_full_name()}, {when}" in story
    assert RETURN_COMMENT in story and OVERRIDE_REASON in story and DECISION_TEXT in story
    # Newest first: the decision heads the story, the first submission ends it.
    assert story.index(DECISION_TEXT) < story.index(RETURN_COMMENT)

    # And the department heard about every step in the app.
    subjects = set(Notification.objects.filter(recipient=staff).values_list("subject", flat=True))
    with translation.override("da"):
        told = {
            gettext(subject) % {"case": TITLE}
            for subject in (
                "Returned to your department: %(case)s",
                "Qualified: %(case)s",
                "Prioritised by the IT directors: %(case)s",
                "The Economic Committee's decision: %(case)s",
            )
        }
    assert told <= subjects
    click_and_wait(bif, bif.get_by_role("link", name=gettext("Notifications")))
    for subject in subjects:
        assert bif.locator(".notification h2", has_text=subject).is_visible()
