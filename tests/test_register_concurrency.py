"""The register on two real PostgreSQL connections: the nightly radar and a person
create a case for the same contract at once (exactly one case), and the atomic
import's progress is visible to the polling page while its transaction is open."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from financing.models import ChannelKind, FinancingChannel
from governance.services import retender
from portfolio.models import InvestmentCase
from portfolio.register.models import ContractCase
from portfolio.register.rules import add_months

from .factories_register import ContractFactory, ITSystemFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has no row locks (SELECT … FOR UPDATE); run on PostgreSQL",
    ),
]


def race(*calls):
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


@pytest.mark.parametrize("attempt", range(3))
def test_the_radar_and_a_person_at_once_make_exactly_one_case(
    attempt, staff, department, cycle
):
    FinancingChannel.objects.get_or_create(kind=ChannelKind.LOAN, defaults={"name": "Lån"})
    today = timezone.localdate()
    contract = ContractFactory(
        owner_department=department, valid_to=add_months(today, 26), notice_months=6,
        systems=[ITSystemFactory(owner_department=department)],
    )
    # The accounts the radar uses exist before the race, as after its first night.
    retender.radar_user(department)

    def person():
        return retender.retender_case_create(actor=staff, contract_pk=contract.pk)

    def nightly():
        return retender.retender_radar_run(today=today)

    results = race(person, nightly)

    assert InvestmentCase.objects.count() == 1
    assert ContractCase.objects.filter(contract=contract).count() == 1
    person_result, nightly_result = results
    if isinstance(person_result, InvestmentCase):
        assert nightly_result == []
    else:
        assert isinstance(person_result, retender.OpenCaseExists), person_result
        assert len(nightly_result) == 1


def test_the_import_progress_is_visible_while_its_transaction_is_open(secretariat):
    """The polling page reads the job row while the import's transaction is still
    open: the progress goes through a second connection."""
    from django.db import transaction

    from portfolio.register.imports import _Progress
    from portfolio.register.models import ImportJob

    job = ImportJob.objects.create(kind="systems", file_name="x.xlsx", content=b"",
                                   created_by=secretariat, status="importing")
    progress = _Progress(job.pk)
    seen = []

    def poll():
        seen.append(ImportJob.objects.get(pk=job.pk).rows_done)
        connections.close_all()

    try:
        with transaction.atomic():
            progress.total(16000)
            progress(500)
            reader = threading.Thread(target=poll)
            reader.start()
            reader.join(timeout=30)
    finally:
        progress.close()
    assert seen == [500]
    job.refresh_from_db()
    assert (job.rows_done, job.rows_total) == (500, 16000)
