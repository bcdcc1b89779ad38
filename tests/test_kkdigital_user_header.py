"""The user's roles, department and unread notifications, read in one query per request
(kkdigital.middleware.UserHeaderMiddleware), and read again on every request."""

import gc
import re
import weakref

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.models import Notification
from kkdigital.middleware import UserHeaderMiddleware, read_user_header
from portfolio.models import Role

from .factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


def header(html):
    return html.split("</header>")[0]


def nav_urls(html):
    nav = re.search(r'<nav class="nav"[^>]*>(.*?)</nav>', html, re.S)
    return re.findall(r'href="([^"]+)"', nav.group(1))


def touching(queries, table):
    return [sql for sql in queries if f'"{table}"' in sql]


def test_a_page_reads_roles_department_and_unread_count_in_one_query(client, staff, cycle):
    Notification.objects.create(recipient=staff, subject="Ny", body="Tekst")
    client.force_login(staff)
    html, queries = get(client, reverse("accessibility-statement"))

    assert len(touching(queries, "auth_group")) == 1
    (combined,) = touching(queries, "auth_group")
    assert '"portfolio_department"' in combined and '"governance_notification"' in combined
    assert touching(queries, "portfolio_department") == [combined]
    assert touching(queries, "governance_notification") == [combined]
    # Session, user, the combined query, the current cycle (two: none lies ahead).
    assert len(queries) == 5
    assert staff.department.name in header(html)
    assert 'badge badge-info">1<' in header(html)


def test_a_role_taken_away_counts_on_the_next_request(client, secretariat, cycle):
    client.force_login(secretariat)
    admin_url = reverse("admin:index")
    assert admin_url in nav_urls(get(client, reverse("home"))[0])

    secretariat.groups.remove(Group.objects.get(name=Role.SECRETARIAT))
    assert admin_url not in nav_urls(get(client, reverse("home"))[0])
    assert client.get(reverse("governance:qualification-queue")).status_code == 403


def test_a_role_given_counts_on_the_next_request(client, staff, cycle):
    client.force_login(staff)
    assert client.get(reverse("governance:qualification-queue")).status_code == 403

    staff.groups.add(Group.objects.get_or_create(name=Role.SECRETARIAT)[0])
    assert client.get(reverse("governance:qualification-queue")).status_code == 200


def test_a_new_department_shows_on_the_next_request(client, staff, cycle):
    client.force_login(staff)
    assert staff.department.name in header(get(client, reverse("home"))[0])

    moved_to = DepartmentFactory(code="KFF", name="Kultur- og Fritidsforvaltningen")
    staff.department = moved_to
    staff.save()
    assert "Kultur- og Fritidsforvaltningen" in header(get(client, reverse("home"))[0])


def test_notifications_read_since_the_last_page_are_not_counted(client, staff, cycle):
    Notification.objects.create(recipient=staff, subject="Ny", body="Tekst")
    client.force_login(staff)
    assert 'badge badge-info">1<' in header(get(client, reverse("home"))[0])

    client.post(reverse("governance:notification-read-all"))
    assert "badge badge-info" not in header(get(client, reverse("home"))[0])


def test_a_request_without_roles_asks_for_none(client, secretariat):
    client.force_login(secretariat)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert touching([q["sql"] for q in queries.captured_queries], "auth_group") == []


def test_on_a_post_the_unread_count_is_left_to_the_page(rf, staff):
    Notification.objects.create(recipient=staff, subject="Ny", body="Tekst")
    request = rf.post("/")
    roles = read_user_header(request, staff)
    assert roles == {Role.DEPARTMENT_STAFF}
    assert not hasattr(request, "_kk_unread_notifications")

    request = rf.get("/")
    read_user_header(request, staff)
    assert request._kk_unread_notifications == 1


def test_the_roles_are_those_the_user_reads_itself(staff, director, django_assert_num_queries):
    director.groups.add(Group.objects.get_or_create(name=Role.COMMITTEE_READER)[0])
    for user in (staff, director):
        fresh = type(user).objects.get(pk=user.pk)
        with django_assert_num_queries(1):
            roles = read_user_header(None, fresh)
            # The department came with the roles (none for the director).
            assert fresh.department == user.department
        assert roles == type(user).objects.get(pk=user.pk).roles


def test_an_inactive_user_has_no_roles(staff):
    staff.is_active = False
    assert read_user_header(None, staff) == frozenset()


def test_the_user_and_request_are_freed_without_the_garbage_collector(rf, staff):
    # The lazy roles hold the user and the request weakly: no reference cycle.
    for read_roles in (True, False):
        request = rf.get("/")
        request.user = type(staff).objects.get(pk=staff.pk)

        def view(request, read_roles=read_roles):
            if read_roles:
                assert request.user.has_role(Role.DEPARTMENT_STAFF)
            return None

        UserHeaderMiddleware(view)(request)
        user_ref, request_ref = weakref.ref(request.user), weakref.ref(request)
        gc.disable()
        try:
            del request
            assert user_ref() is None and request_ref() is None
        finally:
            gc.enable()
