"""The admin: every changelist and history page for the secretariat, nobody else."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from portfolio.models import InvestmentCase

from .factories import (
    CaseEconomyLineFactory,
    CasePrincipleFactory,
    ThemeGoalFactory,
)

MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Password hashing is slow on purpose; these tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.fixture
def admin_data(secretariat, department, cycle, settings):
    """One row of every registered model that has an admin history page to show."""
    call_command("setup_roles", verbosity=0)
    secretariat.refresh_from_db()
    case = CasePrincipleFactory(case__department=department, case__cycle=cycle).case
    CaseEconomyLineFactory(case=case)
    ThemeGoalFactory()
    from governance.models import CaseTransition, Notification

    CaseTransition.objects.create(case=case, from_state="draft", to_state="submitted",
                                  actor=secretariat)
    Notification.objects.create(recipient=secretariat, case=case, subject="Ny sag", body="Tekst")
    from financing.models import ChannelCapacity, FinancingChannel
    from strategy.models import Ambition, Potential, Principle

    channel = FinancingChannel.objects.create(kind="pool", name="Puljen")
    ChannelCapacity.objects.create(channel=channel, year=2027, amount=1, price_year=2027)
    Ambition.objects.create(number=1, name="Ambition")
    Potential.objects.get_or_create(number=1, defaults={"name": "Potentiale"})
    Principle.objects.get_or_create(number=1, defaults={"name": "Princip"})
    return case


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_the_secretariat_sees_every_changelist_and_history(client, admin_data, secretariat,
                                                          model):
    client.force_login(secretariat)
    response = client.get(changelist_url(model))
    assert response.status_code == 200
    obj = model._default_manager.first()
    if obj is not None:
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[obj.pk]
        )
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "who", ["anonymous", "staff", "it_lead", "director", "committee_reader"]
)
def test_others_are_sent_to_the_admin_login(client, request, admin_data, who):
    if who != "anonymous":
        user = request.getfixturevalue(who)
        # Even staff status does not open the admin without the secretariat role.
        user.is_staff = True
        user.save()
        client.force_login(user)
    for model in MODELS:
        response = client.get(changelist_url(model))
        assert response.status_code == 302, model
        assert response.url.startswith(reverse("admin:login"))


def test_the_case_state_is_read_only_in_the_admin(client, admin_data, secretariat):
    client.force_login(secretariat)
    url = reverse("admin:portfolio_investmentcase_change", args=[admin_data.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="state"' not in response.content.decode()


def test_transitions_cannot_be_changed_in_the_admin(client, admin_data, secretariat):
    from governance.models import CaseTransition

    client.force_login(secretariat)
    transition = CaseTransition.objects.get()
    url = reverse("admin:governance_casetransition_change", args=[transition.pk])
    response = client.post(url, {"comment": "changed"})
    assert response.status_code == 403
    transition.refresh_from_db()
    assert transition.comment == ""


def test_departments_export_as_csv_for_the_secretariat(client, admin_data, secretariat):
    client.force_login(secretariat)
    url = reverse("admin:portfolio_department_export")
    response = client.post(url, {"format": "0", "resource": "0",
                                 "departmentresource_code": "on",
                                 "departmentresource_name": "on",
                                 "departmentresource_note_prefix": "on"})
    assert response.status_code == 200
    assert "BIF" in response.content.decode()


def test_a_secretariat_user_saved_in_the_admin_gets_staff_status(client, admin_data,
                                                                 secretariat, staff):
    from django.contrib.auth.models import Group

    client.force_login(secretariat)
    group = Group.objects.get(name="secretariat")
    url = reverse("admin:portfolio_user_change", args=[staff.pk])
    response = client.post(url, {
        "username": staff.username, "first_name": "A", "last_name": "B",
        "email": "a@kk.dk", "department": staff.department_id, "groups": [group.pk],
        "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    staff.refresh_from_db()
    assert staff.is_staff
    assert InvestmentCase.objects.count() == 1
