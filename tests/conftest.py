"""Shared fixtures: a department user, a colleague, an IT lead, a user of another
department, a director, the secretariat and a committee reader."""

import pytest

from portfolio.models import Role

from .factories import BudgetCycleFactory, DepartmentFactory, UserFactory


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Full-strength hashing makes every user fixture cost a quarter of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cycle(db):
    return BudgetCycleFactory(budget_year=2027)


@pytest.fixture
def department(db):
    return DepartmentFactory(
        code="BIF", name="Beskæftigelses- og Integrationsforvaltningen", note_prefix="BI"
    )


@pytest.fixture
def other_department(db):
    return DepartmentFactory(
        code="SUF", name="Sundheds- og Omsorgsforvaltningen", note_prefix="SU"
    )


@pytest.fixture
def staff(department):
    return UserFactory(username="bif-staff", department=department, roles=[Role.DEPARTMENT_STAFF])


@pytest.fixture
def colleague(department):
    return UserFactory(
        username="bif-colleague", department=department, roles=[Role.DEPARTMENT_STAFF]
    )


@pytest.fixture
def it_lead(department):
    return UserFactory(
        username="bif-itlead", department=department, roles=[Role.DEPARTMENT_IT_LEAD]
    )


@pytest.fixture
def outsider(other_department):
    return UserFactory(
        username="suf-staff", department=other_department, roles=[Role.DEPARTMENT_STAFF]
    )


@pytest.fixture
def outsider_it_lead(other_department):
    return UserFactory(
        username="suf-itlead", department=other_department, roles=[Role.DEPARTMENT_IT_LEAD]
    )


@pytest.fixture
def director(db):
    return UserFactory(username="director", department=None, roles=[Role.IT_DIRECTORS])


@pytest.fixture
def secretariat(db):
    okf = DepartmentFactory(code="OKF", name="Økonomiforvaltningen", note_prefix="ØK")
    return UserFactory(username="secretariat", department=okf, roles=[Role.SECRETARIAT])


@pytest.fixture
def committee_reader(db):
    return UserFactory(username="committee", department=None, roles=[Role.COMMITTEE_READER])
