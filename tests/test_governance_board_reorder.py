"""Reordering the board: plain forms, atomic moves, unique ranks, the version check,
roles, and a constant number of queries."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.board.models import Board, BoardEntry, BoardMove
from governance.board.services import BoardConflict, board_move
from kkdigital.lib.errors import ServiceError

from .factories_board import bare_qualified_cases, qualified_cases, ranks, score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(cycle, department):
    return qualified_cases(cycle, department, 4)


def version(cycle) -> int:
    return Board.objects.get(cycle=cycle).version


def move(client, cycle, case, step, position="", v=None, **headers):
    return client.post(
        reverse("governance:board-move", args=[cycle.pk]),
        {
            "case": case.pk,
            "version": v if v is not None else version(cycle),
            "step": step,
            "position": position,
            "q": f"cycle={cycle.pk}",
        },
        **headers,
    )


def test_qualified_cases_are_placed_in_order(cycle, cases):
    assert ranks(cycle) == ["Sag 001", "Sag 002", "Sag 003", "Sag 004"]


def test_a_director_moves_a_case_up_and_it_persists(client, director, cycle, cases):
    client.force_login(director)
    response = move(client, cycle, cases[2], "up")
    assert response.status_code == 302
    assert ranks(cycle) == ["Sag 001", "Sag 003", "Sag 002", "Sag 004"]
    page = client.get(response.url).content.decode()
    assert "Sag 003" in page


def test_the_secretariat_moves_a_case_to_a_position(client, secretariat, cycle, cases):
    client.force_login(secretariat)
    move(client, cycle, cases[3], "to", position=1)
    assert ranks(cycle) == ["Sag 004", "Sag 001", "Sag 002", "Sag 003"]
    move(client, cycle, cases[3], "down")
    assert ranks(cycle) == ["Sag 001", "Sag 004", "Sag 002", "Sag 003"]
    move(client, cycle, cases[0], "to", position=99)
    assert ranks(cycle) == ["Sag 004", "Sag 002", "Sag 003", "Sag 001"]
    assert BoardMove.objects.filter(actor=secretariat).count() == 3


@pytest.mark.parametrize("who", ["staff", "it_lead", "committee_reader"])
def test_departments_and_committee_readers_may_not_reorder_or_see_the_board(
    client, request, who, cycle, cases
):
    client.force_login(request.getfixturevalue(who))
    assert move(client, cycle, cases[2], "up").status_code == 403
    assert ranks(cycle) == ["Sag 001", "Sag 002", "Sag 003", "Sag 004"]
    assert client.get(reverse("governance:prioritisation")).status_code == 403
    assert client.get(reverse("governance:prioritisation-export")).status_code == 403


def test_the_service_refuses_other_roles(staff, cycle, cases):
    with pytest.raises(ServiceError):
        board_move(actor=staff, case_pk=cases[1].pk, to_rank=1, version=version(cycle))


def test_a_concurrent_move_is_detected_and_the_board_shown_as_it_is(
    client, director, secretariat, cycle, cases
):
    seen = version(cycle)
    # The secretariat moves first…
    board_move(actor=secretariat, case_pk=cases[3].pk, to_rank=1, version=seen)
    # …then the director's move, made on the board as it was, is refused.
    client.force_login(director)
    response = move(client, cycle, cases[2], "up", v=seen)
    assert response.status_code == 302
    assert ranks(cycle) == ["Sag 004", "Sag 001", "Sag 002", "Sag 003"]
    page = client.get(response.url).content.decode()
    assert "Nogen anden har ændret tavlen" in page
    with pytest.raises(BoardConflict):
        board_move(actor=director, case_pk=cases[2].pk, to_rank=1, version=seen)


def test_htmx_gets_the_board_and_the_announcement(client, director, cycle, cases):
    client.force_login(director)
    response = move(client, cycle, cases[1], "up", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="board"' in html and 'hx-swap-oob="innerHTML"' in html
    assert "Sag 002" in html.split('id="board-announce"')[1]
    # A stale version also answers the board as it now is, with the message.
    response = move(client, cycle, cases[3], "up", v=1, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Nogen anden har ændret tavlen" in response.content.decode()


def test_ranks_are_unique_in_the_database(cycle, cases):
    entry = BoardEntry.objects.get(case=cases[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardEntry.objects.filter(pk=entry.pk).update(rank=2)


def test_a_move_keeps_history_with_the_person(director, cycle, cases):
    board_move(actor=director, case_pk=cases[3].pk, to_rank=2, version=version(cycle))
    entry = BoardEntry.objects.get(case=cases[3])
    assert entry.history.first().history_user == director
    assert entry.history.first().rank == 2


def _board_queries(client, user, cycle) -> int:
    client.force_login(user)
    url = reverse("governance:prioritisation") + f"?cycle={cycle.pk}"
    client.get(url)  # the first view places the cases on the board
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_board_costs_the_same_queries_with_50_and_500_cases(
    client, director, cycle, department
):
    cases = bare_qualified_cases(cycle, department, 50)
    for case in cases[:5]:
        score_all(director, case, 3)
    small = _board_queries(client, director, cycle)
    bare_qualified_cases(cycle, department, 450)
    large = _board_queries(client, director, cycle)
    assert large == small, (small, large)


def _move_queries(director, cycle, case, to_rank) -> int:
    with CaptureQueriesContext(connection) as queries:
        board_move(actor=director, case_pk=case.pk, to_rank=to_rank, version=version(cycle))
    return len(queries)


def test_a_move_costs_the_same_queries_over_5_and_300_places(director, cycle, department):
    cases = bare_qualified_cases(cycle, department, 310)
    board_move(actor=director, case_pk=cases[1].pk, to_rank=1, version=version(cycle))
    short = _move_queries(director, cycle, cases[9], 5)
    long = _move_queries(director, cycle, cases[305], 5)
    if connection.vendor == "sqlite":
        # SQLite takes at most 999 parameters a statement: the one bulk INSERT of
        # the history is sent in batches there (three more for 300 rows).
        assert long - short <= 3, (short, long)
    else:
        assert short == long, (short, long)
    expected = list(range(1, 311))
    assert sorted(BoardEntry.objects.filter(cycle=cycle).values_list("rank", flat=True)) == expected
    # Every case whose rank changed has a history record of it, with the person.
    shifted = BoardEntry.objects.filter(cycle=cycle, rank__gte=5, rank__lte=306)
    for entry in shifted:
        latest = entry.history.first()
        assert latest.rank == entry.rank
        assert latest.history_user == director


def test_a_move_down_shifts_the_cases_between_up(director, cycle, cases):
    board_move(actor=director, case_pk=cases[0].pk, to_rank=3, version=version(cycle))
    assert ranks(cycle) == [c.title for c in (cases[1], cases[2], cases[0], cases[3])]
    board_move(actor=director, case_pk=cases[3].pk, to_rank=1, version=version(cycle))
    assert ranks(cycle) == [c.title for c in (cases[3], cases[1], cases[2], cases[0])]
    latest = BoardEntry.objects.get(case=cases[2]).history.first()
    assert latest.history_change_reason.startswith("Flyttet af")
