"""The accessibility statement (tilgængelighedserklæring): public and linked from every page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_is_public(client):
    response = client.get(reverse("accessibility-statement"))
    assert response.status_code == 200


def test_it_is_at_the_danish_address(client):
    assert reverse("accessibility-statement") == "/tilgaengelighed/"


def test_it_names_the_standard_status_and_enforcement_body(client):
    html = client.get(reverse("accessibility-statement")).content.decode()
    for text in ("WCAG 2.1", "EN 301 549", "Digitaliseringsstyrelsen", "2016/2102"):
        assert text in html


def test_it_is_linked_from_the_footer_of_the_login_page(client):
    html = client.get(reverse("login")).content.decode()
    footer = html.split("<footer>")[1]
    assert 'href="/tilgaengelighed/"' in footer


def test_it_is_linked_from_the_footer_for_signed_in_users(client, staff):
    client.force_login(staff)
    footer = client.get(reverse("home")).content.decode().split("<footer>")[1]
    assert 'href="/tilgaengelighed/"' in footer
