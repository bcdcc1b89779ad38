""" "Fælles først": the similarity finder (SQLite and PostgreSQL) and the cross-cutting marking."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from governance.commonfirst.finder import similar_cases
from governance.commonfirst.models import CrossCuttingCandidate
from governance.commonfirst.services import crosscutting_candidate_mark
from portfolio.models import CaseState

from .factories import BudgetCycleFactory, DepartmentFactory, InvestmentCaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def buf(db):
    return DepartmentFactory(code="BUF", name="Børne- og Ungdomsforvaltningen", note_prefix="BU")


@pytest.fixture
def own_case(department, cycle):
    return InvestmentCaseFactory(
        department=department,
        cycle=cycle,
        state=CaseState.DRAFT,
        title="Digital pladsanvisning og automatisk tildeling af pladser",
        summary="Forældre søger plads digitalt, og pladserne tildeles automatisk.",
    )


@pytest.fixture
def twin(buf, cycle):
    return InvestmentCaseFactory(
        department=buf,
        cycle=cycle,
        state=CaseState.SUBMITTED,
        title="Digital pladsanvisning med automatisk tildeling",
        summary="Automatisk tildeling af pladser i dagtilbud.",
    )


@pytest.fixture
def unrelated(buf, cycle):
    return InvestmentCaseFactory(
        department=buf,
        cycle=cycle,
        state=CaseState.SUBMITTED,
        title="Sensorer til affaldsindsamling",
        summary="Sensorer i containerne melder, når de skal tømmes.",
    )


def found(case):
    return [m.case for m in similar_cases(case)]


def test_it_finds_a_near_duplicate_of_another_department_and_not_an_unrelated_one(
    own_case, twin, unrelated
):
    assert found(own_case) == [twin]


def test_it_finds_a_reworded_title(department, buf, cycle):
    mine = InvestmentCaseFactory(
        department=department, cycle=cycle, title="Sensorer i affaldsspande"
    )
    theirs = InvestmentCaseFactory(
        department=buf,
        cycle=cycle,
        state=CaseState.QUALIFIED,
        title="Sensorer til affaldsindsamling",
    )
    assert found(mine) == [theirs]


def test_it_looks_in_the_previous_cycle_but_not_further_back(own_case, twin, buf):
    previous = InvestmentCaseFactory(
        department=buf,
        cycle=BudgetCycleFactory(budget_year=2026),
        state=CaseState.DEFERRED,
        title="Digital pladsanvisning med automatisk tildeling af pladser",
    )
    InvestmentCaseFactory(
        department=buf,
        cycle=BudgetCycleFactory(budget_year=2025),
        state=CaseState.REJECTED,
        title="Digital pladsanvisning med automatisk tildeling",
    )
    assert set(found(own_case)) == {twin, previous}


def test_it_ignores_the_same_department_and_other_departments_drafts(
    own_case, department, buf, cycle
):
    InvestmentCaseFactory(
        department=department,
        cycle=cycle,
        state=CaseState.SUBMITTED,
        title="Digital pladsanvisning med automatisk tildeling",
    )
    InvestmentCaseFactory(
        department=buf,
        cycle=cycle,
        state=CaseState.DRAFT,
        title="Digital pladsanvisning med automatisk tildeling",
    )
    assert found(own_case) == []


def test_the_author_sees_the_other_departments_case(client, staff, own_case, twin, unrelated):
    own_case.created_by = staff
    client.force_login(staff)
    body = client.get(own_case.get_absolute_url()).content.decode()
    assert 'id="similar-cases"' in body
    assert twin.title in body and unrelated.title not in body
    assert "BUF" in body
    # The department may not read BUF's case: the title is shown, not linked.
    assert twin.get_absolute_url() not in body


def test_the_secretariat_marks_them_as_one_cross_cutting_candidate(
    client, secretariat, own_case, twin
):
    own_case.state = CaseState.SUBMITTED
    own_case.save()
    client.force_login(secretariat)
    body = client.get(own_case.get_absolute_url()).content.decode()
    url = reverse("governance:mark-crosscutting", args=[own_case.pk, twin.pk])
    assert url in body
    assert client.post(url).status_code == 302
    candidate = CrossCuttingCandidate.objects.get()
    assert set(candidate.cases.all()) == {own_case, twin}
    assert twin.title in client.get(own_case.get_absolute_url()).content.decode()


def test_a_department_cannot_mark(staff, own_case, twin):
    with pytest.raises(PermissionDenied):
        crosscutting_candidate_mark(actor=staff, case=own_case, other=twin)


def test_marking_a_third_case_joins_the_existing_candidate(secretariat, own_case, twin, cycle):
    third = InvestmentCaseFactory(
        department=DepartmentFactory(code="SOF"),
        cycle=cycle,
        state=CaseState.SUBMITTED,
        title="Pladsanvisning",
    )
    first = crosscutting_candidate_mark(actor=secretariat, case=own_case, other=twin)
    second = crosscutting_candidate_mark(actor=secretariat, case=third, other=twin)
    assert first == second and first.cases.count() == 3
