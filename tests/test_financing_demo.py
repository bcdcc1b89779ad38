"""The money demo: requests, recommendations and grants, a loan, pool cases both ways."""

import datetime

import pytest
from django.core.management import call_command

from financing.models import Allocation, Loan, LoanReschedule, PriceIndex
from financing.selectors import pool_result
from kkdigital.demo import area_10_money
from portfolio.models import InvestmentCase

pytestmark = pytest.mark.django_db


def test_the_money_demo_is_complete_and_idempotent():
    call_command("seed_demo", force=True)
    today = datetime.date.today()
    area_10_money.seed(today=today, log=lambda text: None)
    counts = (Allocation.objects.count(), Loan.objects.count(), LoanReschedule.objects.count())
    area_10_money.seed(today=today, log=lambda text: None)
    assert counts == (
        Allocation.objects.count(), Loan.objects.count(), LoanReschedule.objects.count()
    )
    assert Allocation.objects.filter(recommended__isnull=False).exists()
    assert {a.channel.kind for a in Allocation.objects.filter(granted__gt=0)} == {
        "frame", "loan", "pool"
    }
    assert Loan.objects.get().instalments.count() >= 5
    assert PriceIndex.objects.filter(is_demo=False).count() == 0
    pool_cases = InvestmentCase.objects.filter(allocations__channel__kind="pool").distinct()
    results = {pool_result(case).passed for case in pool_cases}
    assert results == {True, False}
