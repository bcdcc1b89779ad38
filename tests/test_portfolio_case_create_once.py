"""The new-case form carries a one-time token: posting it twice creates one case."""

import os
import re
import threading
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from portfolio import services
from portfolio.models import InvestmentCase
from portfolio.services import CaseData, case_create

CREATE_URL = reverse("portfolio:case-create")


def form_data(token):
    return {"title": "Digital jobsøgning", "scope": "department",
            "case_type": "digital_solution", "green_requirements": "False",
            "action": "save:grundlag", "form_token": token}


def test_the_form_carries_a_token_and_two_identical_posts_create_one_case(client, staff,
                                                                          cycle):
    client.force_login(staff)
    page = client.get(CREATE_URL).content.decode()
    token = re.search(r'name="form_token" value="([0-9a-f-]{36})"', page).group(1)
    first = client.post(CREATE_URL, form_data(token))
    second = client.post(CREATE_URL, form_data(token))
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert InvestmentCase.objects.count() == 1
    case = InvestmentCase.objects.get()
    assert case.history.count() == 1


def test_a_new_form_gets_a_new_token(client, staff, cycle):
    client.force_login(staff)
    tokens = {re.search(r'name="form_token" value="([^"]+)"',
                        client.get(CREATE_URL).content.decode()).group(1) for _ in range(2)}
    assert len(tokens) == 2
    for token in tokens:
        client.post(CREATE_URL, form_data(token))
    assert InvestmentCase.objects.count() == 2


def test_a_form_with_errors_keeps_its_token(client, staff, cycle):
    client.force_login(staff)
    token = str(uuid.uuid4())
    response = client.post(CREATE_URL, {**form_data(token), "title": ""})
    assert response.status_code == 200
    assert f'name="form_token" value="{token}"' in response.content.decode()


def test_someone_elses_token_creates_nothing(staff, colleague, cycle):
    token = uuid.uuid4()
    case_create(actor=staff, cycle=cycle, data=CaseData(fields={"title": "A"}), form_token=token)
    with pytest.raises(PermissionDenied):
        case_create(actor=colleague, cycle=cycle, data=CaseData(fields={"title": "B"}),
                    form_token=token)
    assert InvestmentCase.objects.count() == 1


def test_two_requests_at_the_same_moment_create_one_case(staff, cycle, monkeypatch):
    """The second request checked before the first had saved: the unique index
    refuses its row and it answers with the first request's case."""
    token = uuid.uuid4()
    first = case_create(actor=staff, cycle=cycle, data=CaseData(fields={"title": "A"}),
                        form_token=token)
    real = services._created_with
    calls = []

    def not_yet_saved(form_token, actor):
        calls.append(form_token)
        return None if len(calls) == 1 else real(form_token, actor)

    monkeypatch.setattr(services, "_created_with", not_yet_saved)
    monkeypatch.setattr(InvestmentCase, "validate_unique", lambda self, exclude=None: None)
    second = case_create(actor=staff, cycle=cycle, data=CaseData(fields={"title": "A"}),
                         form_token=token)
    assert second.pk == first.pk
    assert InvestmentCase.objects.count() == 1


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="needs concurrent connections (PostgreSQL)",
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_of_one_form_create_one_case(department, cycle):
    from .factories import UserFactory

    staff = UserFactory(username="bif-samtidig", department=department,
                        roles=["department_staff"])
    token = uuid.uuid4()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def create():
        try:
            barrier.wait(timeout=10)
            results.append(case_create(actor=staff, cycle=cycle,
                                       data=CaseData(fields={"title": "Samtidig"}),
                                       form_token=token).pk)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert InvestmentCase.objects.filter(form_token=token).count() == 1
