"""Cases and systems: a completed case retires its systems, and the consolidation
counts equal an independent count."""

import random

import pytest
from django.urls import reverse

from governance.services import workflow
from portfolio.models import CaseScope, CaseState, Department
from portfolio.register import selectors
from portfolio.register.models import (
    BusinessCritical,
    CaseSystem,
    ITSystem,
    Lifecycle,
    SystemRole,
)
from portfolio.register.services import case_system_remove, case_system_set

from .factories import BudgetCycleFactory, DepartmentFactory, InvestmentCaseFactory
from .factories_register import ITSystemFactory
from .governance_helpers import case_in

pytestmark = pytest.mark.django_db


def test_completing_an_approved_case_retires_the_systems_it_names(it_lead, department, cycle):
    retired = ITSystemFactory(owner_department=department, lifecycle=Lifecycle.PHASING_OUT)
    kept = ITSystemFactory(owner_department=department)
    case = case_in(CaseState.IN_PROGRESS, department=department, cycle=cycle)
    CaseSystem.objects.create(case=case, system=retired, role=SystemRole.RETIRES)
    CaseSystem.objects.create(case=case, system=kept, role=SystemRole.REPLACES)

    workflow.case_complete(actor=it_lead, case_pk=case.pk)

    retired.refresh_from_db()
    kept.refresh_from_db()
    assert retired.lifecycle == Lifecycle.NOT_IN_OPERATION
    assert kept.lifecycle == Lifecycle.IN_OPERATION
    entry = retired.history.first()
    assert entry.history_user == it_lead and case.title in entry.history_change_reason
    assert CaseSystem.objects.get(case=case, system=retired).applied_at is not None


def test_a_refused_completion_retires_nothing(outsider_it_lead, department, cycle):
    system = ITSystemFactory(owner_department=department)
    case = case_in(CaseState.IN_PROGRESS, department=department, cycle=cycle)
    CaseSystem.objects.create(case=case, system=system, role=SystemRole.RETIRES)

    with pytest.raises(workflow.TransitionError):
        workflow.case_complete(actor=outsider_it_lead, case_pk=case.pk)

    system.refresh_from_db()
    assert system.lifecycle == Lifecycle.IN_OPERATION


def test_the_department_names_its_case_systems_while_it_may_edit(staff, outsider, department,
                                                                 cycle):
    case = InvestmentCaseFactory(department=department, cycle=cycle, created_by=staff)
    system = ITSystemFactory()

    link = case_system_set(actor=staff, case_pk=case.pk, system_pk=system.pk,
                           role=SystemRole.RETIRES)
    case_system_set(actor=staff, case_pk=case.pk, system_pk=system.pk,
                    role=SystemRole.REPLACES)

    link.refresh_from_db()
    assert link.role == SystemRole.REPLACES and case.system_links.count() == 1
    with pytest.raises(Exception):  # noqa: B017 – PermissionDenied
        case_system_set(actor=outsider, case_pk=case.pk, system_pk=system.pk,
                        role=SystemRole.RETIRES)
    case_system_remove(actor=staff, case_pk=case.pk, link_pk=link.pk)
    assert not case.system_links.exists()


def test_the_case_systems_page_adds_a_system(client, staff, department, cycle):
    case = InvestmentCaseFactory(department=department, cycle=cycle, created_by=staff)
    system = ITSystemFactory(name="Gammelt arkiv")
    client.force_login(staff)
    url = reverse("register:case-systems", args=[case.pk])

    assert "Gammelt arkiv" in client.get(url, {"q": "arkiv"}).content.decode()
    response = client.post(url, {"system": system.pk, "role": "retires"})

    assert response.status_code == 302
    assert case.system_links.get().role == SystemRole.RETIRES


def test_another_department_cannot_read_the_case_systems_page(client, outsider, department,
                                                              cycle, staff):
    case = InvestmentCaseFactory(department=department, cycle=cycle, created_by=staff)
    client.force_login(outsider)
    assert client.get(reverse("register:case-systems", args=[case.pk])).status_code == 404


def independent_count(cycle, departments):
    """The same measures, counted in Python from every row."""
    systems = list(ITSystem.objects.all())
    links = list(CaseSystem.objects.select_related("case", "system"))
    result = {}
    for department in departments:
        own = [s for s in systems if s.owner_department_id == department.pk]
        retired = {
            link.system_id for link in links
            if link.role == SystemRole.RETIRES and link.applied_at and link.case.cycle_id ==
            cycle.pk and link.system.owner_department_id == department.pk
        }
        planned = {
            link.system_id for link in links
            if link.role == SystemRole.RETIRES and not link.applied_at
            and link.case.cycle_id == cycle.pk
            and link.case.state in (CaseState.APPROVED, CaseState.IN_PROGRESS)
            and link.system.lifecycle != Lifecycle.NOT_IN_OPERATION
            and link.system.owner_department_id == department.pk
        }
        result[department.pk] = [
            sum(s.lifecycle == Lifecycle.IN_OPERATION for s in own),
            sum(s.business_critical == BusinessCritical.YES
                and s.lifecycle != Lifecycle.NOT_IN_OPERATION for s in own),
            len(retired),
            len(planned),
        ]
    by_case = {}
    for link in links:
        if (
            link.role == SystemRole.REPLACES and link.case.cycle_id == cycle.pk
            and link.case.scope == CaseScope.CROSS_CUTTING
            and link.case.state not in (CaseState.DRAFT, CaseState.WITHDRAWN,
                                        CaseState.REJECTED)
        ):
            by_case.setdefault(link.case_id, set()).add(link.system.owner_department_id)
    several = {case_id: depts for case_id, depts in by_case.items() if len(depts) >= 2}
    for department in departments:
        result[department.pk].append(sum(department.pk in d for d in several.values()))
    return result, len(several)


def test_the_consolidation_counts_equal_an_independent_count(it_lead, cycle):
    rng = random.Random(12)
    departments = [DepartmentFactory(code=c, name=f"Forvaltning {c}", note_prefix=c[:2])
                   for c in ("ØKF", "KFF", "BUF", "SUF")]
    other_cycle = BudgetCycleFactory(budget_year=2028)
    systems = [
        ITSystemFactory(
            owner_department=rng.choice(departments),
            lifecycle=rng.choice(Lifecycle.values),
            business_critical=rng.choice(BusinessCritical.values),
        )
        for _ in range(60)
    ]
    states = [CaseState.DRAFT, CaseState.SUBMITTED, CaseState.APPROVED, CaseState.IN_PROGRESS,
              CaseState.COMPLETED, CaseState.REJECTED, CaseState.WITHDRAWN]
    for i in range(25):
        case = InvestmentCaseFactory(
            department=rng.choice(departments),
            cycle=cycle if i % 5 else other_cycle,
            state=rng.choice(states),
            scope=rng.choice(CaseScope.values),
        )
        for system in rng.sample(systems, 4):
            link = CaseSystem.objects.create(case=case, system=system,
                                             role=rng.choice(SystemRole.values))
            if case.state == CaseState.COMPLETED and link.role == SystemRole.RETIRES:
                link.applied_at = case.created_at
                link.save()

    result = selectors.consolidation(cycle)
    expected, expected_cross = independent_count(cycle, list(Department.objects.all()))

    for row in result.rows:
        assert [row.in_operation, row.business_critical, row.retired, row.planned,
                row.cross_cutting_replacing] == expected[row.department.pk], row.department
    assert result.total.in_operation == sum(e[0] for e in expected.values())
    assert result.total.business_critical == sum(e[1] for e in expected.values())
    assert result.total.retired == sum(e[2] for e in expected.values())
    assert result.total.planned == sum(e[3] for e in expected.values())
    assert result.total.cross_cutting_replacing == expected_cross
    # The example is not trivial: something is counted in every column.
    assert all([result.total.retired, result.total.planned, expected_cross])


def test_the_consolidation_page_shows_the_departments_and_the_total(client, staff, cycle,
                                                                    department):
    ITSystemFactory(owner_department=department)
    client.force_login(staff)

    page = client.get(reverse("register:consolidation")).content.decode()

    assert department.name in page
