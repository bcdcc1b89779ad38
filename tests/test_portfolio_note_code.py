"""The budget-note code a case gets when the secretariat qualifies it."""

import pytest

from governance.models import PhaseKind
from governance.services import workflow
from portfolio.models import CaseState

from .governance_helpers import case_in, open_phases

pytestmark = pytest.mark.django_db


def test_qualifying_gives_the_next_code_of_the_department(department, cycle, secretariat):
    open_phases(cycle, PhaseKind.QUALIFICATION)
    first = case_in(CaseState.SUBMITTED, department=department, cycle=cycle)
    second = case_in(CaseState.SUBMITTED, department=department, cycle=cycle)
    workflow.case_qualify(actor=secretariat, case_pk=first.pk)
    workflow.case_qualify(actor=secretariat, case_pk=second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.note_code, second.note_code) == ("BI1", "BI2")
    assert first.state == CaseState.QUALIFIED
    # The transition's history row carries the code, not a stale blank.
    assert first.history.first().note_code == "BI1"


def test_codes_count_per_department(department, other_department, cycle, secretariat):
    open_phases(cycle, PhaseKind.QUALIFICATION)
    ours = case_in(CaseState.SUBMITTED, department=department, cycle=cycle)
    theirs = case_in(CaseState.SUBMITTED, department=other_department, cycle=cycle)
    workflow.case_qualify(actor=secretariat, case_pk=ours.pk)
    workflow.case_qualify(actor=secretariat, case_pk=theirs.pk)
    theirs.refresh_from_db()
    assert theirs.note_code == "SU1"
