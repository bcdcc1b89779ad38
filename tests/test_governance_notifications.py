"""Notifications: who is told about a transition, the e-mail task, reminders and the list page."""

import datetime
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from governance.models import CaseTransition, Notification
from governance.services.notifications import (
    notification_send_email,
    notify_prioritisation_published,
    notify_transition,
    send_intake_reminders,
)
from governance.tasks import send_intake_reminders as send_intake_reminders_task
from governance.tasks import send_notification_email
from kkdigital.celery import app as celery_app
from portfolio.models import CaseState, Role

from .factories import InvestmentCaseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cycle, department, staff):
    return InvestmentCaseFactory(
        title="Fælles booking af mødelokaler", cycle=cycle, department=department,
        created_by=staff,
    )


@pytest.fixture
def second_secretary(secretariat):
    return UserFactory(
        username="secretariat-2", department=secretariat.department, roles=[Role.SECRETARIAT]
    )


def transition(case, to_state, actor, comment="", from_state=None):
    from_state = from_state or case.state
    case.state = to_state
    case.save()
    return CaseTransition.objects.create(
        case=case, from_state=from_state, to_state=to_state, actor=actor, comment=comment
    )


def notify(django_capture_on_commit_callbacks, row):
    with django_capture_on_commit_callbacks(execute=True):
        return notify_transition(row)


def recipients(notifications):
    return sorted(n.recipient.username for n in notifications)


def mailed_to():
    return sorted(address for message in mail.outbox for address in message.to)


# Transitions


def test_submission_sends_a_receipt_to_the_submitter_and_tells_every_secretary(
    case, it_lead, staff, secretariat, second_secretary, outsider,
    django_capture_on_commit_callbacks,
):
    UserFactory(
        username="former-secretary", department=None, roles=[Role.SECRETARIAT], is_active=False
    )
    row = transition(case, CaseState.SUBMITTED, it_lead)

    created = notify(django_capture_on_commit_callbacks, row)

    assert recipients(created) == ["bif-itlead", "secretariat", "secretariat-2"]
    assert Notification.objects.count() == 3
    receipt = Notification.objects.get(recipient=it_lead)
    assert receipt.case == case
    assert "Fælles booking af mødelokaler" in receipt.subject
    assert receipt.subject.startswith("Kvittering")
    assert f"/sager/{case.pk}/" in receipt.body
    assert mailed_to() == ["bif-itlead@kk.dk", "secretariat-2@kk.dk", "secretariat@kk.dk"]
    assert all(n.emailed_at for n in Notification.objects.all())


def test_return_tells_the_departments_staff_and_it_leads_with_the_comment(
    case, staff, colleague, it_lead, outsider, secretariat, django_capture_on_commit_callbacks
):
    case.state = CaseState.SUBMITTED
    row = transition(
        case, CaseState.RETURNED, secretariat, comment="Økonomien for 2028 mangler."
    )

    created = notify(django_capture_on_commit_callbacks, row)

    assert recipients(created) == ["bif-colleague", "bif-itlead", "bif-staff"]
    assert all("Økonomien for 2028 mangler." in n.body for n in created)
    assert mailed_to() == ["bif-colleague@kk.dk", "bif-itlead@kk.dk", "bif-staff@kk.dk"]
    assert "Økonomien for 2028 mangler." in mail.outbox[0].body


def test_qualification_tells_the_department(
    case, staff, it_lead, outsider, secretariat, django_capture_on_commit_callbacks
):
    case.state = CaseState.SUBMITTED
    row = transition(case, CaseState.QUALIFIED, secretariat)

    created = notify(django_capture_on_commit_callbacks, row)

    assert recipients(created) == ["bif-itlead", "bif-staff"]
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    "decision", [CaseState.APPROVED, CaseState.REJECTED, CaseState.DEFERRED]
)
def test_a_committee_decision_tells_the_department_with_the_decision_text(
    decision, case, staff, it_lead, outsider, secretariat, django_capture_on_commit_callbacks
):
    case.state = CaseState.FORWARDED
    row = transition(
        case, decision, secretariat, comment="Indstillingen blev godkendt uden afstemning"
    )

    created = notify(django_capture_on_commit_callbacks, row)

    assert recipients(created) == ["bif-itlead", "bif-staff"]
    for notification in created:
        assert "Indstillingen blev godkendt uden afstemning" in notification.body
        # The body is stored in the site's language, whatever the test's language is.
        with translation.override("da"):
            assert str(decision.label) in notification.body
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    "state", [CaseState.PRIORITISED, CaseState.NOT_RECOMMENDED, CaseState.WITHDRAWN]
)
def test_states_told_elsewhere_or_not_at_all_notify_nobody_here(
    state, case, staff, it_lead, director, django_capture_on_commit_callbacks
):
    row = transition(case, state, director)

    assert notify(django_capture_on_commit_callbacks, row) == []
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_publishing_the_prioritisation_tells_each_department_how_its_cases_fared(
    cycle, department, other_department, staff, it_lead, outsider, director,
    django_capture_on_commit_callbacks,
):
    ours = InvestmentCaseFactory(title="Vores sag", cycle=cycle, department=department)
    theirs = InvestmentCaseFactory(title="Deres sag", cycle=cycle, department=other_department)
    for case, state, comment in (
        (ours, CaseState.PRIORITISED, "Høj værdi for borgerne"),
        (theirs, CaseState.NOT_RECOMMENDED, "Overlapper med en fælles platform"),
    ):
        case.state = CaseState.QUALIFIED
        transition(case, state, director, comment=comment)
    InvestmentCaseFactory(cycle=cycle, department=department, state=CaseState.QUALIFIED)

    with django_capture_on_commit_callbacks(execute=True):
        created = notify_prioritisation_published(cycle=cycle)

    assert recipients(created) == ["bif-itlead", "bif-staff", "suf-staff"]
    ours_notes = [n for n in created if n.case == ours]
    assert all("Høj værdi for borgerne" in n.body for n in ours_notes)
    assert all(n.subject.startswith("Prioriteret") for n in ours_notes)
    theirs_note = next(n for n in created if n.case == theirs)
    assert "Overlapper med en fælles platform" in theirs_note.body
    assert len(mail.outbox) == 3


def test_a_rolled_back_transition_leaves_no_notification_and_sends_no_mail(
    case, it_lead, secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            notify_transition(transition(case, CaseState.SUBMITTED, it_lead))
            raise RuntimeError("the transition failed after notifying")

    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_a_failing_mail_queue_does_not_undo_or_break_the_transition(
    case, it_lead, secretariat, django_capture_on_commit_callbacks, caplog
):
    row = transition(case, CaseState.SUBMITTED, it_lead)
    with mock.patch.object(
        send_notification_email, "delay", side_effect=ConnectionError("broker down")
    ):
        created = notify(django_capture_on_commit_callbacks, row)

    assert len(created) == 2
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2
    assert "broker down" in caplog.text


# The e-mail task


def make_notification(recipient, case=None, **kwargs):
    fields = {"subject": "Emne", "body": "Tekst med æøå", **kwargs}
    return Notification.objects.create(recipient=recipient, case=case, **fields)


def test_the_task_sends_the_mail_once_and_records_when(staff):
    notification = make_notification(staff)

    assert send_notification_email.delay(notification.pk).get() is True
    assert send_notification_email.delay(notification.pk).get() is False

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["bif-staff@kk.dk"]
    assert mail.outbox[0].subject == "Emne"
    assert mail.outbox[0].body == "Tekst med æøå"
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_the_task_skips_a_recipient_without_an_address_and_a_deleted_notification(staff):
    staff.email = ""
    staff.save()
    notification = make_notification(staff)

    assert notification_send_email(notification_id=notification.pk) is False
    assert notification_send_email(notification_id=notification.pk + 1000) is False

    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.emailed_at is None


def test_the_task_retries_when_the_mail_server_fails(staff):
    notification = make_notification(staff)
    real_send = mail.send_mail
    calls = []

    def flaky_send(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("connection lost")
        return real_send(*args, **kwargs)

    # An eager task that propagates errors raises its Retry instead of running
    # the retry; without propagation Celery runs the retry in-process.
    celery_app.conf.task_eager_propagates = False
    with mock.patch("governance.services.notifications.send_mail", side_effect=flaky_send):
        result = send_notification_email.delay(notification.pk)

    assert result.get() is True

    assert len(calls) == 2
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_a_failed_mail_leaves_the_notification_unsent(staff):
    notification = make_notification(staff)

    with mock.patch(
        "governance.services.notifications.send_mail",
        side_effect=smtplib.SMTPServerDisconnected("down"),
    ), pytest.raises(smtplib.SMTPServerDisconnected):
        notification_send_email(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.emailed_at is None


# Reminders before the intake deadline (the 2027 cycle's intake ends 31 March 2026)

DEADLINE = datetime.date(2026, 3, 31)


@pytest.fixture
def drafts(cycle, department, staff, other_department, outsider, outsider_it_lead):
    InvestmentCaseFactory(title="Kladde A", cycle=cycle, department=department, created_by=staff)
    InvestmentCaseFactory(title="Kladde B", cycle=cycle, department=department, created_by=staff)
    # The other department has only submitted its case: nothing to remind it of.
    InvestmentCaseFactory(
        cycle=cycle, department=other_department, created_by=outsider,
        state=CaseState.SUBMITTED,
    )


def test_reminders_go_to_the_staff_and_it_leads_of_departments_with_drafts(
    drafts, staff, colleague, it_lead, secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = send_intake_reminders(today=DEADLINE - datetime.timedelta(days=7))

    assert recipients(created) == ["bif-colleague", "bif-itlead", "bif-staff"]
    assert all(n.case is None for n in created)
    assert "Kladde A" in created[0].body and "Kladde B" in created[0].body
    assert "2026" in created[0].subject
    assert mailed_to() == ["bif-colleague@kk.dk", "bif-itlead@kk.dk", "bif-staff@kk.dk"]


def test_reminders_are_sent_once_a_day_however_often_the_task_runs(
    drafts, staff, it_lead, django_capture_on_commit_callbacks
):
    today = DEADLINE - datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        first = send_intake_reminders(today=today)
        second = send_intake_reminders(today=today)

    assert len(first) == 2
    assert second == []
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("days_before", [8, 6, 0, -1])
def test_no_reminders_on_other_days(drafts, staff, days_before):
    assert send_intake_reminders(today=DEADLINE - datetime.timedelta(days=days_before)) == []
    assert Notification.objects.count() == 0


def test_the_number_of_days_is_read_from_the_settings_when_the_task_runs(
    drafts, staff, settings
):
    settings.KK_REMINDER_DAYS_BEFORE_INTAKE_DEADLINE = 10

    assert send_intake_reminders(today=DEADLINE - datetime.timedelta(days=7)) == []
    assert len(send_intake_reminders(today=DEADLINE - datetime.timedelta(days=10))) == 1


def test_the_reminder_task_is_scheduled_daily_and_runs_the_service(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["intake-deadline-reminders"]
    assert entry["task"] == send_intake_reminders_task.name
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {0}
    # Today is not seven days before any deadline in the test data.
    assert send_intake_reminders_task.delay().get() == 0


# The list page and marking as read


@pytest.fixture
def own_and_others(case, staff, outsider):
    old = make_notification(staff, case=case, subject="Ældre besked")
    old.created_at = timezone.now() - datetime.timedelta(days=2)
    old.save()
    new = make_notification(staff, case=case, subject="Nyeste besked")
    read = make_notification(
        staff, subject="Læst besked", read_at=timezone.now(),
        created_at=timezone.now() - datetime.timedelta(days=5),
    )
    other = make_notification(outsider, subject="Andens besked")
    return old, new, read, other


def test_the_list_asks_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("governance:notification-list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_list_shows_only_the_users_own_notifications_newest_first(
    client, staff, case, own_and_others, django_assert_max_num_queries
):
    client.force_login(staff)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("governance:notification-list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Nyeste besked") < html.index("Ældre besked") < html.index("Læst besked")
    assert "Andens besked" not in html
    assert html.count("notification--unread") == 2
    assert f'href="/sager/{case.pk}/"' in html


def test_a_user_marks_one_notification_as_read(client, staff, own_and_others):
    old, new, read, other = own_and_others
    client.force_login(staff)

    response = client.post(reverse("governance:notification-read", args=[new.pk]))

    assert response.status_code == 302
    new.refresh_from_db()
    old.refresh_from_db()
    assert new.read_at is not None
    assert old.read_at is None


def test_another_users_notification_is_not_found(client, staff, own_and_others):
    other = own_and_others[3]
    client.force_login(staff)

    response = client.post(reverse("governance:notification-read", args=[other.pk]))

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_marking_as_read_needs_a_post(client, staff, own_and_others):
    client.force_login(staff)
    new = own_and_others[1]
    response = client.get(reverse("governance:notification-read", args=[new.pk]))
    assert response.status_code == 405
    new.refresh_from_db()
    assert new.read_at is None


def test_mark_all_as_read_touches_only_the_users_own(client, staff, own_and_others):
    old, new, read, other = own_and_others
    client.force_login(staff)

    response = client.post(reverse("governance:notification-read-all"), follow=True)

    assert response.status_code == 200
    assert Notification.objects.filter(recipient=staff, read_at__isnull=True).count() == 0
    other.refresh_from_db()
    assert other.read_at is None
    assert "notification--unread" not in response.content.decode()


def test_the_header_link_counts_unread_notifications_in_one_query(
    staff, own_and_others, django_assert_num_queries
):
    request = RequestFactory().get("/")
    request.user = staff
    template = Template(
        '{% include "governance/partials/_notifications_link.html" %}'
        '{% load notifications %}{% unread_notifications_count %}'
    )
    with django_assert_num_queries(1):
        html = template.render(Context({"request": request, "user": staff}))

    assert 'href="/proces/notifikationer/"' in html
    assert '<span class="badge badge-info">2' in html
    assert html.endswith("2")


def test_the_header_link_shows_no_count_when_everything_is_read(outsider):
    request = RequestFactory().get("/")
    request.user = outsider
    html = Template('{% include "governance/partials/_notifications_link.html" %}').render(
        Context({"request": request, "user": outsider})
    )
    assert "badge" not in html
