"""The board's demo (kkdigital/demo/area_20_board.py): a cut line in every channel,
two directors who disagree on one case, two plan versions with a difference."""

import datetime

import pytest
from django.core.management import call_command

from financing.models import FinancingChannel
from governance.board.models import Score
from governance.board.selectors import board_state
from governance.models import BudgetCycle
from governance.plans.models import PlanVersion
from governance.plans.snapshot import version_diff, version_lines
from kkdigital.demo import area_20_board
from portfolio.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_board_demo_shows_what_the_issue_asks_and_is_idempotent():
    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))
    area_20_board.seed(today=datetime.date.today(), log=lambda text: None)
    counts = (Score.objects.count(), PlanVersion.objects.count())
    area_20_board.seed(today=datetime.date.today(), log=lambda text: None)
    assert (Score.objects.count(), PlanVersion.objects.count()) == counts

    cycle = BudgetCycle.objects.get(budget_year=2027)
    director = User.objects.get(username="henrik.dahl")
    assert director.check_password("kkdigital-demo")
    state = board_state(director, cycle)
    runs_out = {line.key[0] for line in state.lines.values() if line.runs_out}
    assert runs_out == set(FinancingChannel.objects.values_list("pk", flat=True))
    disagreeing = [row.case.title for row in state.rows if row.disagreement]
    assert disagreeing == ["Samlet identitets- og adgangsstyring (IAM)"]
    first, second = PlanVersion.objects.filter(cycle=cycle).order_by("number")
    assert version_diff(version_lines(first), version_lines(second))
