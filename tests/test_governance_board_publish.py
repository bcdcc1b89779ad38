"""Publishing the board: confirmation with what is open, outcomes in rank order with
the reason on the timeline, and supplementary rounds for late cases."""

import pytest
from django.urls import reverse

from governance.board.models import Board, BoardEntry, BoardPublication
from governance.board.publishing import board_publish
from governance.board.services import board_recommend, board_sync
from governance.models import CaseTransition, PhaseKind, PrioritisationRound
from governance.services.workflow import case_qualify
from kkdigital.lib.errors import ServiceError
from portfolio.models import CaseState, InvestmentCase

from .factories_board import director_named, qualified_cases, score_all
from .governance_helpers import case_in, open_phases

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(cycle, department):
    open_phases(cycle, PhaseKind.PRIORITISATION, PhaseKind.QUALIFICATION)
    return qualified_cases(cycle, department, 3)


def test_the_confirmation_lists_what_is_still_open(client, secretariat, cycle, cases, department):
    case_in(CaseState.SUBMITTED, cycle=cycle, department=department, title="Ikke kvalificeret")
    score_all(director_named("henrik"), cases[0], 4)
    client.force_login(secretariat)
    page = client.get(reverse("governance:prioritisation-publish", args=[cycle.pk])).content
    html = page.decode()
    assert "Ikke kvalificeret" in html
    assert "Sag 002" in html and "Sag 003" in html
    response = client.post(
        reverse("governance:prioritisation-publish", args=[cycle.pk]),
        {"version": Board.objects.get(cycle=cycle).version},
    )
    assert response.status_code == 400
    assert not BoardPublication.objects.exists()


def test_publishing_moves_the_cases_in_rank_order_with_reasons(client, secretariat, cycle, cases):
    board_recommend(
        actor=secretariat,
        case_pk=cases[1].pk,
        recommendation="not_recommended",
        reason="Overlapper med en fælles platform.",
    )
    client.force_login(secretariat)
    response = client.post(
        reverse("governance:prioritisation-publish", args=[cycle.pk]),
        {"version": Board.objects.get(cycle=cycle).version, "confirm": "on"},
    )
    assert response.status_code == 302
    states = {c.title: c.state for c in InvestmentCase.objects.filter(cycle=cycle)}
    assert states == {
        "Sag 001": CaseState.PRIORITISED,
        "Sag 002": CaseState.NOT_RECOMMENDED,
        "Sag 003": CaseState.PRIORITISED,
    }
    refusal = CaseTransition.objects.get(case=cases[1], to_state=CaseState.NOT_RECOMMENDED)
    assert refusal.comment == "Overlapper med en fælles platform."
    assert refusal.actor == secretariat
    ordered = list(
        CaseTransition.objects.filter(case__in=cases, from_state=CaseState.QUALIFIED)
        .order_by("pk")
        .values_list("case__title", flat=True)
    )
    assert ordered == ["Sag 001", "Sag 002", "Sag 003"]
    assert PrioritisationRound.objects.filter(cycle=cycle).exists()
    assert set(BoardEntry.objects.values_list("published_in__number", flat=True)) == {1}


def test_only_the_secretariat_publishes(client, director, cycle, cases):
    with pytest.raises(ServiceError):
        board_publish(actor=director, cycle=cycle)
    client.force_login(director)
    assert (
        client.get(reverse("governance:prioritisation-publish", args=[cycle.pk])).status_code == 403
    )


def test_a_stale_confirmation_is_refused(secretariat, director, cycle, cases):
    seen = Board.objects.get(cycle=cycle).version
    board_recommend(
        actor=director, case_pk=cases[0].pk, recommendation="recommended", reason="Fælles først."
    )
    with pytest.raises(ServiceError):
        board_publish(actor=secretariat, cycle=cycle, version=seen)


def test_a_case_qualified_after_publication_is_published_in_a_supplementary_round(
    secretariat, director, cycle, cases, department, staff
):
    board_publish(actor=secretariat, cycle=cycle)
    late = case_in(CaseState.SUBMITTED, cycle=cycle, department=department, title="Sen sag")
    case_qualify(actor=secretariat, case_pk=late.pk)
    entry = BoardEntry.objects.get(case=late)
    assert entry.rank == 4 and entry.published_in is None
    # It can be scored and placed among the published cases…
    score_all(director, late, 5)
    from governance.board.services import board_move

    board_move(
        actor=director, case_pk=late.pk, to_rank=2, version=Board.objects.get(cycle=cycle).version
    )
    assert BoardEntry.objects.get(case=late).rank == 2
    # …and published on its own, without touching the published cases.
    publication = board_publish(actor=secretariat, cycle=cycle)
    assert publication.number == 2 and publication.is_supplementary
    late.refresh_from_db()
    assert late.state == CaseState.PRIORITISED
    assert BoardEntry.objects.filter(published_in__number=1).count() == 3
    with pytest.raises(ServiceError):
        board_publish(actor=secretariat, cycle=cycle)


def test_a_supplementary_round_tells_the_department_of_its_late_case_only(
    secretariat, director, cycle, cases, department, staff
):
    from governance.models import Notification

    board_publish(actor=secretariat, cycle=cycle)
    first_round = Notification.objects.filter(recipient=staff).count()
    assert first_round == 3  # one for each published case
    late = case_in(CaseState.SUBMITTED, cycle=cycle, department=department, title="Sen sag")
    case_qualify(actor=secretariat, case_pk=late.pk)
    Notification.objects.filter(recipient=staff, case=late).delete()  # submit/qualify notices
    board_publish(actor=secretariat, cycle=cycle)
    late_notices = Notification.objects.filter(recipient=staff, case=late)
    assert late_notices.count() == 1
    assert "Sen sag" in late_notices.get().subject
    # The cases of the first round are not announced again.
    assert Notification.objects.filter(recipient=staff).exclude(case=late).count() == first_round


def test_a_department_reads_the_outcome_only_once_published(
    client, staff, secretariat, cycle, cases
):
    board_recommend(
        actor=secretariat,
        case_pk=cases[0].pk,
        recommendation="recommended",
        reason="Bærende for hele kommunen.",
    )
    client.force_login(staff)
    page = client.get(reverse("portfolio:case-detail", args=[cases[0].pk])).content.decode()
    assert "Bærende for hele kommunen." not in page
    board_publish(actor=secretariat, cycle=cycle)
    page = client.get(reverse("portfolio:case-detail", args=[cases[0].pk])).content.decode()
    assert "Bærende for hele kommunen." in page


def test_board_sync_is_idempotent(cycle, cases):
    before = list(BoardEntry.objects.values_list("case_id", "rank"))
    board_sync(cycle=cycle)
    assert list(BoardEntry.objects.values_list("case_id", "rank")) == before
