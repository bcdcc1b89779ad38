"""Shared fixtures: a department user, a colleague, an IT lead, a user of another
department, a director, the secretariat and a committee reader."""

import pytest

from kkdigital.celery import app as celery_app
from portfolio.models import Role

from .browser import browser  # noqa: F401 (the fixture of the browser tests)
from .factories import BudgetCycleFactory, DepartmentFactory, UserFactory


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's language (Danish), whatever an earlier test's
    request or override left active in this thread."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: what one test cached (a frozen plan
    version's body, keyed by a primary key the next test may reuse) is not another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Full-strength hashing makes every user fixture cost a quarter of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_in_process(request):
    """Run tasks in-process even when REDIS_URL names a real broker (as in CI), so a
    test's e-mail never waits in Redis for a worker; the worker test opts out."""
    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    before = (celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates)
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = before


@pytest.fixture(autouse=True)
def _broker_not_paused():
    """A test that made enqueueing fail must not leave the next one's mails unqueued."""
    from governance.services.notifications import reset_broker_pause

    reset_broker_pause()
    yield
    reset_broker_pause()


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
