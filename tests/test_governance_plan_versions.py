"""The development and transition plan: frozen versions that later edits do not
change, the diff between versions, and who may read what."""

import pytest
from django.urls import reverse

from financing.models import ChannelKind
from financing.services import allocation_recommend_set
from governance.board.models import Board
from governance.board.publishing import board_publish
from governance.board.services import board_move
from governance.models import PhaseKind
from governance.plans.models import PlanVersion, PlanVersionAmount, PlanVersionCase
from governance.plans.services import plan_freeze
from governance.plans.snapshot import plan_lines, version_diff, version_lines
from kkdigital.lib.errors import ServiceError
from portfolio.models import CaseEconomyLine, CaseScope, EconomyKind

from .factories_board import qualified_cases
from .factories_money import PriceIndexFactory, capacities, channels
from .governance_helpers import open_phases

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(cycle, department, other_department, secretariat):
    open_phases(cycle, PhaseKind.PRIORITISATION)
    PriceIndexFactory(year=2027)
    chans = channels()
    capacities(chans[ChannelKind.FRAME], {2027: 50_000_000, 2028: 50_000_000})
    cases = qualified_cases(cycle, department, 2, scope=CaseScope.CROSS_CUTTING)
    cases += qualified_cases(cycle, other_department, 1, prefix="Andet")
    frame = chans[ChannelKind.FRAME]
    for case in cases:
        allocation_recommend_set(
            actor=secretariat, case=case, channel=frame, amounts={2027: 2_000_000}
        )
    board_publish(actor=secretariat, cycle=cycle)
    return cases, chans


def test_only_the_secretariat_freezes(director, cycle, published):
    with pytest.raises(ServiceError):
        plan_freeze(actor=director, cycle=cycle, gate="transfer_case")
    assert not PlanVersion.objects.exists()


def test_a_frozen_version_does_not_change_when_the_cases_change(secretariat, cycle, published):
    cases, chans = published
    version = plan_freeze(actor=secretariat, cycle=cycle, gate="transfer_case")
    before = [
        (line.title, line.rank, line.economy, line.amounts) for line in version_lines(version)
    ]
    cases[0].title = "Nyt navn"
    cases[0].save()
    CaseEconomyLine.objects.filter(case=cases[0]).update(amount=9_999_000)
    allocation_recommend_set(
        actor=secretariat,
        case=cases[0],
        channel=chans[ChannelKind.FRAME],
        amounts={2027: 1_000_000},
    )
    version.refresh_from_db()
    after = [(line.title, line.rank, line.economy, line.amounts) for line in version_lines(version)]
    assert after == before
    assert PlanVersionCase.objects.filter(version=version, title="Sag 001").exists()


def test_the_diff_lists_exactly_what_changed(secretariat, director, cycle, published, department):
    cases, chans = published
    first = plan_freeze(actor=secretariat, cycle=cycle, gate="transfer_case")
    # Between the gates: one amount changes, a case is added through a supplementary
    # round and placed first, and a case gets money from a second channel.
    allocation_recommend_set(
        actor=secretariat,
        case=cases[1],
        channel=chans[ChannelKind.FRAME],
        amounts={2027: 1_500_000},
    )
    late = qualified_cases(cycle, department, 1)[0]
    late.title = "Sen sag"
    late.save()
    board_move(
        actor=director, case_pk=late.pk, to_rank=1, version=Board.objects.get(cycle=cycle).version
    )
    board_publish(actor=secretariat, cycle=cycle)
    capacities(chans[ChannelKind.POOL], {2028: 5_000_000})
    allocation_recommend_set(
        actor=secretariat, case=cases[2], channel=chans[ChannelKind.POOL], amounts={2028: 300_000}
    )
    second = plan_freeze(actor=secretariat, cycle=cycle, gate="budget_negotiations")
    changes = version_diff(version_lines(first), version_lines(second))
    assert changes == [
        "“Sen sag” er ny i planen.",
        "“Andet 001” er flyttet fra nr. 3 til nr. 4.",
        "“Andet 001” finansieres nu også af Investerings- og innovationspuljen.",
        "“Sag 001” er flyttet fra nr. 1 til nr. 2.",
        "“Sag 002” er flyttet fra nr. 2 til nr. 3.",
        "“Sag 002”: Flerårig ramme i 2027 er ændret fra 2.000 til 1.500 (1.000 kr.).",
    ]
    assert version_diff(version_lines(second), version_lines(second)) == []


def test_the_version_page_shows_the_changes(
    client, secretariat, committee_reader, cycle, published
):
    first = plan_freeze(actor=secretariat, cycle=cycle, gate="transfer_case")
    second = plan_freeze(actor=secretariat, cycle=cycle, gate="budget_negotiations")
    client.force_login(committee_reader)
    page = client.get(reverse("governance:plan-version", args=[second.pk])).content.decode()
    assert "Intet er ændret." in page
    page = client.get(reverse("governance:plan-version", args=[first.pk])).content.decode()
    assert "Sag 001" in page


def test_departments_read_only_their_own_cases(client, staff, outsider, cycle, published):
    client.force_login(staff)
    page = client.get(reverse("governance:plan") + f"?cycle={cycle.pk}").content.decode()
    assert "Sag 001" in page and "Sag 002" in page
    client.force_login(outsider)
    page = client.get(reverse("governance:plan") + f"?cycle={cycle.pk}").content.decode()
    assert "Sag 001" not in page


def test_the_freeze_form_makes_a_version(client, secretariat, cycle, published):
    client.force_login(secretariat)
    response = client.post(
        reverse("governance:plan") + f"?cycle={cycle.pk}",
        {"gate": "transfer_case", "note": "Til overførselssagen"},
    )
    assert response.status_code == 302
    version = PlanVersion.objects.get()
    assert version.cases.count() == 3
    assert PlanVersionAmount.objects.filter(line__version=version).count() == 3
    assert version.history.first().history_user == secretariat


def test_the_plan_sums_cost_per_year_in_the_cycle_price_level(cycle, published):
    lines = plan_lines(cycle)
    assert all(line.year_cost(2027) == 1_000_000 for line in lines)
    assert CaseEconomyLine.objects.filter(kind=EconomyKind.INVESTMENT).count() == 3
