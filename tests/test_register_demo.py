"""The register's demo data: written once, fast, and with one case from the radar."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from kkdigital.demo import area_30_register
from portfolio.models import CaseType
from portfolio.register.models import CaseSystem, Contract, ContractCase, ITSystem
from portfolio.register.rules import add_months

pytestmark = pytest.mark.django_db


def test_the_register_demo_is_idempotent_and_has_a_radar_case():
    call_command("seed_demo", force=True)
    today = timezone.localdate()
    lines = []

    area_30_register.seed(today=today, log=lines.append)
    counts = (ITSystem.objects.count(), Contract.objects.count(), CaseSystem.objects.count(),
              ContractCase.objects.count(), ITSystem.history.count())
    area_30_register.seed(today=today, log=lines.append)

    assert counts == (ITSystem.objects.count(), Contract.objects.count(),
                      CaseSystem.objects.count(), ContractCase.objects.count(),
                      ITSystem.history.count())
    assert counts[0] == 280 and counts[1] == 210
    assert set(ITSystem.objects.values_list("owner_department__code", flat=True)) == {
        "OKF", "KFF", "BUF", "SUF", "SOF", "TMF", "BIF"
    }
    (link,) = ContractCase.objects.select_related("case", "contract")
    assert link.case.case_type == CaseType.RETENDER
    assert link.case.created_by.username == "jonas.kristensen"
    assert Contract.objects.filter(
        decision_date__lte=add_months(today, 24), valid_to__gte=today
    ).count() >= 20
