"""The security baseline: headers, caching, login throttling and sessions."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from kkdigital.lib.http import no_store

PASSWORD = "kode-til-test-123"  # tests/factories.py


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Password hashing is slow on purpose; these tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_axes(db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def test_a_page_sends_the_security_headers_and_the_csp(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


def test_hsts_is_sent_on_https_in_production(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = False
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_and_csrf_cookies_are_http_only(client, staff, settings):
    client.post(reverse("login"), {"username": staff.username, "password": PASSWORD})
    assert client.cookies["sessionid"]["httponly"]
    assert settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    # The idle timeout is renewed while the session is used (tests/test_security_sessions.py).
    assert settings.KK_SESSION_RENEW_SECONDS <= 60


def test_case_pages_are_never_stored(client, db):
    response = client.get("/sager/ikke-til/")
    assert "no-store" in response["Cache-Control"]


def test_signed_in_pages_are_never_stored(client, staff):
    client.force_login(staff)
    response = client.get(reverse("home"))
    assert "no-store" in response["Cache-Control"]


def test_anonymous_pages_outside_the_case_paths_are_left_alone(client, db):
    response = client.get("/ikke-en-sagsside/")
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_no_store_decorator_marks_a_view():
    @no_store
    def view(request):
        return HttpResponse("ok")

    response = view(RequestFactory().get("/anything/"))
    assert "no-store" in response["Cache-Control"]


def test_the_session_key_changes_at_login(client, staff):
    client.get(reverse("login"))
    session = client.session
    session["before_login"] = True
    session.save()
    key_before = session.session_key
    response = client.post(reverse("login"), {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.session_key != key_before
    assert client.session["_auth_user_id"] == str(staff.pk)


def fail_login(client, username, times, **extra):
    for _ in range(times):
        response = client.post(
            reverse("login"), {"username": username, "password": "forkert-kode"}, **extra
        )
    return response


def test_repeated_failed_logins_lock_the_user_out_with_a_danish_message(client, staff,
                                                                       settings):
    response = fail_login(client, staff.username, settings.AXES_FAILURE_LIMIT)
    assert response.status_code == 429
    page = response.content.decode()
    assert "For mange mislykkede login-forsøg" in page
    assert 'class="alert alert-error"' in page
    # Locked out even with the right password.
    response = client.post(reverse("login"), {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_forged_forwarded_for_header_does_not_escape_the_lock_out(client, staff, settings):
    fail_login(client, staff.username, settings.AXES_FAILURE_LIMIT)
    response = client.post(
        reverse("login"), {"username": staff.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert response.status_code == 429


def test_fewer_failures_than_the_limit_still_allow_login(client, staff, settings):
    response = fail_login(client, staff.username, settings.AXES_FAILURE_LIMIT - 1)
    assert response.status_code == 200
    response = client.post(reverse("login"), {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 302


def test_personal_data_is_kept_to_name_email_department_and_role():
    from portfolio.models import User

    personal = {f.name for f in User._meta.concrete_fields} - {
        "id", "password", "last_login", "is_superuser", "is_staff", "is_active", "date_joined",
    }
    assert personal == {"username", "first_name", "last_name", "email", "department"}
