"""Two requests for the same transition at the same moment, on two real connections."""

import threading

import pytest
from django.db import connection, connections

from governance.models import CaseTransition, PhaseKind
from governance.services import workflow
from governance.services.workflow import TransitionError
from portfolio.models import CaseState

from .governance_helpers import case_in, complete_case, open_phases, use_fast_password_hasher

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has no row locks (SELECT … FOR UPDATE); run on PostgreSQL",
    ),
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    use_fast_password_hasher(settings)


def race(*calls):
    """Run the calls in two threads, each on its own database connection, started
    together by a barrier; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 – the test inspects it
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_two_submits_at_once_submit_once(department, cycle, it_lead):
    open_phases(cycle, PhaseKind.INTAKE)
    case = complete_case(department=department, cycle=cycle)

    def submit():
        return workflow.case_submit(actor=it_lead, case_pk=case.pk)

    results = race(submit, submit)

    wins = [r for r in results if isinstance(r, CaseTransition)]
    refusals = [r for r in results if isinstance(r, TransitionError)]
    assert len(wins) == 1 and len(refusals) == 1, results
    assert refusals[0].message == "Sagen er allerede indsendt."
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert case.version == 2
    assert CaseTransition.objects.filter(case=case).count() == 1


def test_qualify_and_return_at_once_one_wins(department, cycle, it_lead, secretariat):
    open_phases(cycle, PhaseKind.QUALIFICATION)
    case = case_in(CaseState.SUBMITTED, department=department, cycle=cycle)

    results = race(
        lambda: workflow.case_qualify(actor=secretariat, case_pk=case.pk),
        lambda: workflow.case_return(actor=secretariat, case_pk=case.pk, comment="Ret økonomi"),
    )

    wins = [r for r in results if isinstance(r, CaseTransition)]
    refusals = [r for r in results if isinstance(r, TransitionError)]
    assert len(wins) == 1 and len(refusals) == 1, results
    case.refresh_from_db()
    assert case.state == wins[0].to_state
    assert refusals[0].message.startswith("Sagen har status")
    assert CaseTransition.objects.filter(case=case).count() == 1
