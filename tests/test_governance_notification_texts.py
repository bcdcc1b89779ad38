"""Notification texts are stored in the site's language (Danish) whatever language
the request was made in; the app shows a short message linking to the case, the
e-mail keeps the greeting and the full address built from KK_SITE_URL."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from governance.models import Notification
from portfolio.models import InvestmentCase

from .governance_helpers import complete_case, open_phases


@pytest.fixture(autouse=True)
def _site_language_afterwards():
    # A request in English leaves English active in this thread: restore Danish.
    yield
    translation.activate(settings.LANGUAGE_CODE)


def submit_in_english(client, case, it_lead):
    client.force_login(it_lead)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("governance:case-action", args=[case.pk, "submit"]))
    assert response.status_code == 302
    return Notification.objects.filter(case=case)


def test_texts_written_during_an_english_request_are_danish(client, cycle, department,
                                                            it_lead, secretariat):
    open_phases(cycle, "intake")
    case = complete_case(department=department, cycle=cycle, created_by=it_lead)
    created = submit_in_english(client, case, it_lead)
    receipt = created.get(recipient=it_lead)
    notice = created.get(recipient=secretariat)
    assert receipt.subject.startswith("Kvittering")
    assert "Kære" in receipt.body and "Dear" not in receipt.body
    assert "Submitted" not in notice.message and "has submitted" not in notice.message
    assert "indsendt" in notice.message


def test_the_app_shows_a_short_message_and_the_mail_keeps_the_full_link(client, cycle,
                                                                        department, it_lead,
                                                                        secretariat):
    open_phases(cycle, "intake")
    case = complete_case(department=department, cycle=cycle, created_by=it_lead)
    notice = submit_in_english(client, case, it_lead).get(recipient=secretariat)
    case_path = case.get_absolute_url()
    assert settings.KK_SITE_URL + case_path in notice.body
    assert "http" not in notice.message
    assert "Kære" not in notice.message and "Venlig hilsen" not in notice.message
    assert len(notice.message) < len(notice.body)

    client.force_login(secretariat)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"
    page = client.get(reverse("governance:notification-list")).content.decode()
    assert f'href="{case_path}"' in page
    assert settings.KK_SITE_URL not in page
    assert "Kære" not in page


def test_the_history_reason_of_a_case_saved_in_english_is_danish(client, cycle, staff):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("portfolio:case-create"), {
        "title": "Digital jobsøgning", "scope": "department", "case_type": "digital_solution",
        "green_requirements": "False", "action": "save:grundlag",
    })
    assert response.status_code == 302
    record = InvestmentCase.objects.get().history.get()
    assert record.history_change_reason == "Sagen er oprettet"


EMAIL_TEMPLATES = sorted(
    (settings.BASE_DIR / "templates" / "governance" / "email").glob("*.txt")
)


@pytest.mark.parametrize("path", EMAIL_TEMPLATES, ids=lambda p: p.name)
def test_every_notification_template_has_a_short_in_app_form(path, staff, db):
    """A new kind of notification gets the same two forms: the e-mail with greeting,
    address and sign-off, the app's message without them."""
    from django.template.loader import render_to_string

    context = {"recipient": staff, "actor": staff, "days_left": 7, "years": [2027, 2030],
               "case_url": settings.KK_SITE_URL + "/sager/1/",
               "site_url": settings.KK_SITE_URL}
    name = f"governance/email/{path.name}"
    with translation.override(settings.LANGUAGE_CODE):
        mail_text = render_to_string(name, context)
        message = render_to_string(name, {**context, "in_app": True})
    assert "Kære" in mail_text and "Venlig hilsen" in mail_text
    assert "Kære" not in message and "Venlig hilsen" not in message
    assert settings.KK_SITE_URL not in message
