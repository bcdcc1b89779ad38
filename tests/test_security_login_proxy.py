"""Login throttling behind KK's reverse proxy counts the client, not the proxy."""

import logging

import pytest
from django.test import RequestFactory
from django.urls import reverse

from kkdigital.lib.client_ip import client_ip

PASSWORD = "kode-til-test-123"  # tests/factories.py


@pytest.fixture(autouse=True)
def _fresh_axes(db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


@pytest.fixture
def behind_proxy(settings):
    settings.KK_BEHIND_PROXY = True
    settings.KK_PROXY_COUNT = 1


def from_proxy(forwarded_for: str) -> dict:
    return {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": forwarded_for}


def fail_login(client, username, times, **extra):
    for _ in range(times):
        response = client.post(
            reverse("login"), {"username": username, "password": "forkert-kode"}, **extra
        )
    return response


def test_behind_the_proxy_the_client_address_is_the_one_the_proxy_appended(behind_proxy):
    request = RequestFactory().get("/", **from_proxy("198.51.100.7, 203.0.113.20"))
    assert client_ip(request) == "203.0.113.20"


def test_a_garbled_forwarded_header_falls_back_to_the_connection(behind_proxy):
    request = RequestFactory().get("/", **from_proxy("ikke-en-adresse"))
    assert client_ip(request) == "127.0.0.1"


def test_without_a_proxy_the_forwarded_header_is_ignored(settings):
    settings.KK_BEHIND_PROXY = False
    request = RequestFactory().get("/", **from_proxy("203.0.113.20"))
    assert client_ip(request) == "127.0.0.1"


def test_one_attacker_behind_the_proxy_does_not_lock_out_everyone(client, staff, settings,
                                                                  behind_proxy):
    attacker = from_proxy("203.0.113.66")
    response = fail_login(client, staff.username, settings.AXES_FAILURE_LIMIT, **attacker)
    assert response.status_code == 429
    # The user, from their own address through the same proxy, still gets in.
    response = client.post(reverse("login"), {"username": staff.username, "password": PASSWORD},
                           **from_proxy("198.51.100.10"))
    assert response.status_code == 302
    # The attacker stays locked out, whatever they put in front of the header.
    client.logout()
    response = client.post(reverse("login"), {"username": staff.username, "password": PASSWORD},
                           **from_proxy("192.0.2.1, 203.0.113.66"))
    assert response.status_code == 429


def test_the_lock_out_log_line_names_the_user_and_masks_the_address(client, staff, settings,
                                                                    caplog):
    caplog.set_level(logging.WARNING, logger="axes")
    fail_login(client, staff.username, settings.AXES_FAILURE_LIMIT)
    lines = [r.getMessage() for r in caplog.records if "Locking out" in r.getMessage()]
    assert lines
    assert f'username: "{staff.username}"' in lines[0]
    assert "127.0.0.1" not in lines[0]
