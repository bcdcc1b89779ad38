"""The earlier one-assessment-per-case prioritisation, kept as a thin front on the
board (``governance.board``) for callers that still use it."""

from django.core.exceptions import PermissionDenied

from governance.board import permissions
from governance.board.models import Board, BoardEntry, BoardRecommendation
from governance.board.publishing import board_publish
from governance.board.services import (
    board_move,
    board_recommend,
    board_sync,
    criteria_for,
    scores_save,
)
from governance.models import BudgetCycle, Recommendation
from governance.services.workflow import TransitionError
from kkdigital.lib.errors import ServiceError
from portfolio.models import InvestmentCase


def assessment_save(
    *, actor, case_pk: int, score: int, rank: int | None, recommendation: str, reason: str
):
    """Score the case ``score`` on every criterion, move it to ``rank`` and mark the
    recommendation: the old single assessment expressed on the board."""
    if not permissions.can_score(actor):
        raise PermissionDenied
    case = InvestmentCase.objects.select_related("cycle").get(pk=case_pk)
    board_sync(cycle=case.cycle)
    scores_save(
        actor=actor, case_pk=case_pk,
        values={c.pk: (score, "") for c in criteria_for(case.cycle)},
    )
    entry = BoardEntry.objects.get(case_id=case_pk)
    if rank and rank != entry.rank:
        board = Board.objects.get(cycle=case.cycle)
        board_move(actor=actor, case_pk=case_pk, to_rank=rank, version=board.version)
    mark = {
        Recommendation.PRIORITISE: BoardRecommendation.RECOMMENDED,
        Recommendation.NOT_RECOMMENDED: BoardRecommendation.NOT_RECOMMENDED,
    }.get(recommendation, "")
    return board_recommend(
        actor=actor, case_pk=case_pk, recommendation=mark,
        reason=reason or ("" if not mark else str(BoardRecommendation(mark).label)),
    )


def prioritisation_publish(*, actor, cycle: BudgetCycle, override_reason: str = ""):
    """Publish the board (see ``governance.board.publishing.board_publish``)."""
    board_sync(cycle=cycle)
    try:
        return board_publish(actor=actor, cycle=cycle, override_reason=override_reason)
    except ServiceError as refusal:
        raise TransitionError(refusal.message) from refusal
