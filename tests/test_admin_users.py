"""The user admin: the secretariat keeps people and roles, but cannot take over an
account with more rights than its own, nor hand out rights it does not hold."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from portfolio.models import Role

from .factories import UserFactory


@pytest.fixture
def secretary(secretariat):
    call_command("setup_roles", verbosity=0)
    secretariat.refresh_from_db()
    return secretariat


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", department=None, is_superuser=True, is_staff=True)


@pytest.fixture
def powerful(department):
    """A user who may delete users: a right the secretariat does not hold."""
    user = UserFactory(username="powerful", department=department)
    user.user_permissions.add(Permission.objects.get(codename="delete_user"))
    return user


@pytest.fixture
def admins_group(db):
    group = Group.objects.create(name="user-admins")
    group.permissions.add(Permission.objects.get(codename="delete_user"))
    return group


def change_data(user, **extra):
    data = {
        "username": user.username, "first_name": user.first_name, "last_name": user.last_name,
        "email": user.email, "department": user.department_id or "",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
        "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00",
    }
    if user.is_active:
        data["is_active"] = "on"
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def change_url(user):
    return reverse("admin:portfolio_user_change", args=[user.pk])


def password_url(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


@pytest.mark.parametrize("target", ["superuser", "powerful"])
def test_the_secretariat_cannot_deactivate_an_account_with_more_rights(client, request,
                                                                       secretary, target):
    user = request.getfixturevalue(target)
    client.force_login(secretary)
    page = client.get(change_url(user))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = client.post(change_url(user), change_data(user, is_active=None))
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.is_active


@pytest.mark.parametrize("target", ["superuser", "powerful"])
def test_the_secretariat_cannot_set_the_password_of_an_account_with_more_rights(
    client, request, secretary, target
):
    user = request.getfixturevalue(target)
    client.force_login(secretary)
    assert client.get(password_url(user)).status_code == 403
    response = client.post(password_url(user), {
        "password1": "overtaget-konto-2026", "password2": "overtaget-konto-2026",
        "usable_password": "true",
    })
    assert response.status_code == 403
    user.refresh_from_db()
    assert not user.check_password("overtaget-konto-2026")


def test_a_deactivated_administrator_is_still_protected(client, secretary, powerful):
    powerful.is_active = False
    powerful.save()
    client.force_login(secretary)
    response = client.post(change_url(powerful), change_data(powerful, is_active="on"))
    assert response.status_code == 403
    powerful.refresh_from_db()
    assert not powerful.is_active


def test_the_secretariat_cannot_grant_the_superuser_flag(client, secretary, staff):
    client.force_login(secretary)
    response = client.post(change_url(staff), change_data(staff, is_superuser="on"))
    assert response.status_code == 302
    staff.refresh_from_db()
    assert not staff.is_superuser


def test_the_secretariat_cannot_grant_a_role_with_rights_it_lacks(client, secretary, staff,
                                                                   admins_group):
    client.force_login(secretary)
    page = client.get(change_url(staff)).content.decode()
    assert "user-admins" not in page
    data = change_data(staff)
    data["groups"] = [*data["groups"], str(admins_group.pk)]
    response = client.post(change_url(staff), data)
    assert response.status_code == 200  # the form shows the error
    assert not staff.groups.filter(pk=admins_group.pk).exists()


def test_the_secretariat_still_manages_department_users_and_its_own_role(client, secretary,
                                                                          staff):
    client.force_login(secretary)
    data = change_data(staff)
    data["groups"] = [str(Group.objects.get(name=Role.SECRETARIAT).pk)]
    response = client.post(change_url(staff), data)
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.has_role(Role.SECRETARIAT)
    response = client.post(change_url(staff), change_data(staff, is_active=None))
    assert response.status_code == 302
    staff.refresh_from_db()
    assert not staff.is_active
    response = client.post(password_url(staff), {
        "password1": "nyt-kodeord-2026-x", "password2": "nyt-kodeord-2026-x",
        "usable_password": "true",
    })
    assert response.status_code == 302


def test_a_superuser_manages_every_account(client, superuser, powerful, admins_group):
    client.force_login(superuser)
    data = change_data(powerful, is_active=None)
    data["groups"] = [str(admins_group.pk)]
    response = client.post(change_url(powerful), data)
    assert response.status_code == 302
    powerful.refresh_from_db()
    assert not powerful.is_active and powerful.groups.filter(pk=admins_group.pk).exists()
