"""The register's list and detail pages: who sees what, in which order, at what cost."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio.models import Role
from portfolio.register.models import BusinessCritical, Lifecycle

from .factories import DepartmentFactory, UserFactory
from .factories_register import ContractFactory, ITSystemFactory

pytestmark = pytest.mark.django_db


def names(response):
    return [obj.name for obj in response.context["page_obj"]]


def test_anonymous_users_are_sent_to_the_login(client):
    for name in ("system-list", "contract-list", "radar", "consolidation"):
        response = client.get(reverse(f"register:{name}"))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_user_without_a_role_is_refused(client, department):
    nobody = UserFactory(username="nobody", department=department, roles=[])
    client.force_login(nobody)
    assert client.get(reverse("register:system-list")).status_code == 403
    system = ITSystemFactory()
    assert client.get(system.get_absolute_url()).status_code == 403


def test_a_department_sees_its_own_systems_first(client, staff, department, other_department):
    ITSystemFactory(name="Aaa andres system", owner_department=other_department)
    ITSystemFactory(name="Zzz vores system", owner_department=department)
    client.force_login(staff)

    response = client.get(reverse("register:system-list"))

    assert names(response) == ["Zzz vores system", "Aaa andres system"]


def test_the_secretariat_sees_every_system_by_name(client, secretariat, department,
                                                   other_department):
    ITSystemFactory(name="Bbb", owner_department=other_department)
    ITSystemFactory(name="Aaa", owner_department=department)
    client.force_login(secretariat)

    assert names(client.get(reverse("register:system-list"))) == ["Aaa", "Bbb"]


@pytest.mark.parametrize("role", [Role.IT_DIRECTORS, Role.COMMITTEE_READER])
def test_every_role_that_reads_cases_reads_the_register(client, role):
    user = UserFactory(username=f"u-{role}", department=None, roles=[role])
    system = ITSystemFactory()
    contract = ContractFactory(systems=[system])
    client.force_login(user)
    assert client.get(system.get_absolute_url()).status_code == 200
    assert client.get(contract.get_absolute_url()).status_code == 200


def test_systems_filter_and_search_in_sql(client, staff, department):
    ITSystemFactory(name="Journal", owner_department=department,
                    business_critical=BusinessCritical.YES)
    ITSystemFactory(name="Arkiv", owner_department=department,
                    lifecycle=Lifecycle.PHASING_OUT, supplier="Gamma")
    ITSystemFactory(name="Booking", owner_department=DepartmentFactory(code="TMF"))
    client.force_login(staff)
    url = reverse("register:system-list")

    assert names(client.get(url, {"q": "gamma"})) == ["Arkiv"]
    assert names(client.get(url, {"business_critical": "yes"})) == ["Journal"]
    assert names(client.get(url, {"lifecycle": "phasing_out"})) == ["Arkiv"]
    assert names(client.get(url, {"department": "TMF"})) == ["Booking"]


def test_contracts_filter_by_decision_date(client, staff, department):
    soon = datetime.date.today() + datetime.timedelta(days=30 * 30)
    ContractFactory(name="Snart", owner_department=department, valid_to=soon, notice_months=0)
    ContractFactory(name="Senere", owner_department=department,
                    valid_to=datetime.date(2040, 1, 1))
    client.force_login(staff)

    response = client.get(reverse("register:contract-list"), {"expires": "24"})

    assert names(response) == ["Snart"]


def _many(department, other, n):
    for i in range(n):
        system = ITSystemFactory(owner_department=department if i % 2 else other,
                                 business_critical=BusinessCritical.YES if i % 3 else "no")
        ContractFactory(owner_department=department if i % 2 else other, systems=[system],
                        valid_to=datetime.date.today() + datetime.timedelta(days=400 + i))


@pytest.mark.parametrize("name", ["system-list", "contract-list", "radar", "consolidation"])
def test_the_list_pages_run_the_same_number_of_queries_at_two_sizes(
    client, staff, department, other_department, cycle, name
):
    client.force_login(staff)
    url = reverse(f"register:{name}")
    _many(department, other_department, 3)
    client.get(url)  # warm the session and the cached roles
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _many(department, other_department, 60)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    assert len(large) <= 25


def test_the_system_page_shows_its_contracts_and_history(client, staff, department):
    system = ITSystemFactory(name="Journal", owner_department=department, purpose="Journaler")
    ContractFactory(name="Journalaftale", systems=[system], owner_department=department)
    client.force_login(staff)

    page = client.get(system.get_absolute_url()).content.decode()

    assert "Journalaftale" in page and "Journaler" in page


def test_the_list_is_paginated(client, secretariat, department):
    for i in range(55):
        ITSystemFactory(name=f"System {i:02d}", owner_department=department)
    client.force_login(secretariat)

    response = client.get(reverse("register:system-list"), {"page": 2})

    assert names(response) == [f"System {i:02d}" for i in range(50, 55)]
