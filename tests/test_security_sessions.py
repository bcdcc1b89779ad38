"""Logins leave no history row, and a session ends 12 hours after login however active."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse

from kkdigital.middleware import LOGIN_AT_KEY

PASSWORD = "kode-til-test-123"  # tests/factories.py


@pytest.fixture(autouse=True)
def _fresh_axes(db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def test_a_login_writes_no_historical_user_row(client, staff):
    versions = staff.history.count()
    response = client.post(reverse("login"), {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.last_login is not None
    assert staff.history.count() == versions


def test_a_change_of_the_person_is_still_kept(staff):
    versions = staff.history.count()
    staff.first_name = "Bente"
    staff.save()
    assert staff.history.count() == versions + 1


def test_the_absolute_lifetime_is_twelve_hours(settings):
    assert settings.KK_SESSION_ABSOLUTE_AGE == 12 * 60 * 60
    assert settings.SESSION_COOKIE_AGE < settings.KK_SESSION_ABSOLUTE_AGE


def test_an_active_session_ends_twelve_hours_after_login(client, staff, settings):
    client.post(reverse("login"), {"username": staff.username, "password": PASSWORD})
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    assert abs(session[LOGIN_AT_KEY] - time.time()) < 60
    session[LOGIN_AT_KEY] = int(time.time()) - settings.KK_SESSION_ABSOLUTE_AGE + 60
    session.save()
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[LOGIN_AT_KEY] = int(time.time()) - settings.KK_SESSION_ABSOLUTE_AGE - 1
    session.save()
    response = client.get(reverse("portfolio:case-list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_a_session_from_before_the_rule_starts_its_clock(client, staff):
    client.force_login(staff)
    session = client.session
    session.pop(LOGIN_AT_KEY, None)
    session.save()
    assert client.get(reverse("home")).status_code == 200
    assert LOGIN_AT_KEY in client.session


def test_a_used_session_renews_its_idle_timeout_at_most_once_a_minute(client, staff, settings):
    from django.contrib.sessions.models import Session

    from kkdigital.middleware import RENEWED_AT_KEY

    client.force_login(staff)
    key = client.session.session_key
    # Logging in saved the session with a fresh expiry.
    first = Session.objects.get(session_key=key).expire_date
    assert client.session[RENEWED_AT_KEY] == pytest.approx(time.time(), abs=60)
    # Within the minute a request writes nothing.
    Session.objects.filter(session_key=key).update(expire_date=first - timedelta(hours=1))
    assert client.get(reverse("home")).status_code == 200
    assert Session.objects.get(session_key=key).expire_date == first - timedelta(hours=1)
    # A minute later the next request renews the expiry and the cookie.
    session = client.session
    session[RENEWED_AT_KEY] = int(time.time()) - settings.KK_SESSION_RENEW_SECONDS
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > first - timedelta(minutes=1)
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE


def test_an_idle_session_ends_after_the_cookie_age(client, staff, settings):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(staff)
    assert client.get(reverse("home")).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("portfolio:case-list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
