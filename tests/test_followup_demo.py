"""The follow-up demo: two rounds with all three colours, BIF's strategy, two similar cases."""

import datetime

import pytest
from django.core.management import call_command

from governance.commonfirst.finder import similar_cases
from governance.followup.models import FollowUpReport, FollowUpRound
from governance.followup.selectors import reports_with_figures
from kkdigital.demo import area_40_followup
from portfolio.models import InvestmentCase
from strategy.models import DepartmentStrategy

pytestmark = pytest.mark.django_db


def test_the_demo_has_what_the_issue_asks_for_and_runs_twice_without_changes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--force")
    today = datetime.date.today()
    area_40_followup.seed(today=today, log=lambda _m: None)
    reports = FollowUpReport.objects.count()
    area_40_followup.seed(today=today, log=lambda _m: None)
    assert FollowUpReport.objects.count() == reports

    assert FollowUpRound.objects.count() == 2
    for round_ in FollowUpRound.objects.all():
        colours = {
            light.effective
            for f in reports_with_figures(FollowUpReport.objects.filter(round=round_))
            for light in f.lights
        }
        assert {"green", "yellow", "red"} <= colours, round_
    strategy = DepartmentStrategy.objects.get(department__code="BIF")
    assert strategy.targets.count() == 3 and strategy.signature_projects.count() == 3
    kff = InvestmentCase.objects.get(title=area_40_followup.SIMILAR_TITLE)
    assert [m.case.department.code for m in similar_cases(kff)][:1] == ["BUF"]
