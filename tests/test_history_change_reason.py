"""A history record keeps a change reason of any length: reasons name cases and carry
people's own words (PostgreSQL refused a board move whose reason named a long title)."""

from governance.board.models import Board, BoardEntry
from governance.board.services import board_move

from .factories_board import qualified_cases


def test_a_move_of_a_case_with_a_long_title_is_saved_with_its_whole_reason(
    cycle, department, director
):
    long_title = "Fælles platform for digital selvbetjening, sagsoverblik og beskeder " * 2
    cases = qualified_cases(cycle, department, 3, prefix=long_title.strip()[:190])
    board = Board.objects.get(cycle=cycle)

    board_move(actor=director, case_pk=cases[2].pk, to_rank=1, version=board.version)

    entry = BoardEntry.objects.get(case=cases[2])
    assert entry.rank == 1
    record = entry.history.latest("history_id")
    assert record.history_user == director
    assert len(record.history_change_reason) > 100
