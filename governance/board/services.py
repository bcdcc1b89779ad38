"""The board's state changes: criteria, scores, moves and recommendations.

Publishing is in ``governance.board.publishing``. Every service is atomic,
checks the actor again and keeps history with the person who acted.
"""

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.board import permissions
from governance.board.models import (
    DEFAULT_CRITERIA,
    Board,
    BoardEntry,
    BoardMove,
    BoardRecommendation,
    Criterion,
    Score,
)
from governance.models import BudgetCycle
from kkdigital.lib.errors import ServiceError
from portfolio.models import CaseState, InvestmentCase

# A rank is parked this far out while a move renumbers the rows between, so
# that the unique (cycle, rank) constraint holds after every single UPDATE.
_PARKING = 1_000_000


class BoardConflict(ServiceError):
    """Someone else moved a case on the board after this person loaded it."""


def criteria_for(cycle: BudgetCycle) -> list[Criterion]:
    """The cycle's criteria; the defaults of seed 000 are created the first time."""
    criteria = list(Criterion.objects.filter(cycle=cycle))
    if criteria:
        return criteria
    with transaction.atomic():
        for position, (name, description) in enumerate(DEFAULT_CRITERIA, start=1):
            Criterion.objects.get_or_create(
                cycle=cycle,
                name=name,
                defaults={"description": description, "weight": 1, "position": position},
            )
    return list(Criterion.objects.filter(cycle=cycle))


def criterion_set(
    *,
    actor,
    cycle: BudgetCycle,
    criterion: Criterion | None,
    name: str,
    weight: int,
    description: str = "",
) -> Criterion:
    """The secretariat names and weighs a criterion of the cycle (a new one if
    ``criterion`` is None)."""
    if not permissions.can_set_criteria(actor):
        raise ServiceError(_("Only the secretariat sets the criteria."))
    with transaction.atomic():
        if criterion is None:
            position = (
                Criterion.objects.filter(cycle=cycle).aggregate(m=Max("position"))["m"] or 0
            ) + 1
            criterion = Criterion(cycle=cycle, position=position)
        else:
            criterion = Criterion.objects.select_for_update().get(pk=criterion.pk, cycle=cycle)
        criterion.name = (name or "").strip()
        criterion.weight = weight
        criterion.description = (description or "").strip()
        criterion.full_clean()
        criterion._history_user = actor
        criterion.save()
    return criterion


def board_for(cycle: BudgetCycle) -> Board:
    board, _created = Board.objects.get_or_create(cycle=cycle)
    return board


def board_sync(*, cycle: BudgetCycle) -> Board:
    """Put every qualified case of the cycle that is not on the board yet at its
    bottom, in the order they were qualified. Idempotent; called when a case is
    qualified and before the board is shown, so that no case is ever left off."""
    board = board_for(cycle)
    missing = list(
        InvestmentCase.objects.filter(
            cycle=cycle, state=CaseState.QUALIFIED, board_entry__isnull=True
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not missing:
        return board
    with transaction.atomic():
        board = Board.objects.select_for_update().get(pk=board.pk)
        last = BoardEntry.objects.filter(cycle=cycle).aggregate(m=Max("rank"))["m"] or 0
        for case_pk in missing:
            if BoardEntry.objects.filter(case_id=case_pk).exists():
                continue
            last += 1
            entry = BoardEntry(cycle=cycle, case_id=case_pk, rank=last)
            entry._change_reason = _("Placed at the bottom of the board when qualified")
            entry.save()
        board.version += 1
        board.save(update_fields=["version"])
    return board


def scores_save(*, actor, case_pk: int, values: dict[int, tuple[int, str]]) -> list[Score]:
    """A director (or the secretariat) scores a qualified case on every criterion of
    its cycle, 1–5, with optional comments; scoring again replaces their own scores."""
    if not permissions.can_score(actor):
        raise ServiceError(_("Only the IT directors' circle and the secretariat score cases."))
    with transaction.atomic():
        case = (
            InvestmentCase.objects.select_for_update(of=("self",))
            .select_related("cycle")
            .get(pk=case_pk)
        )
        if case.state != CaseState.QUALIFIED:
            raise ServiceError(_("Only qualified cases that are not yet published are scored."))
        criteria = criteria_for(case.cycle)
        problems = {}
        for criterion in criteria:
            value = values.get(criterion.pk, (None, ""))[0]
            if value not in (1, 2, 3, 4, 5):
                problems[f"criterion_{criterion.pk}"] = [_("Give a score from 1 to 5.")]
        if problems:
            raise ServiceError(_("Score the case on every criterion."), problems=problems)
        existing = {
            s.criterion_id: s
            for s in Score.objects.select_for_update().filter(case=case, director=actor)
        }
        saved = []
        now = timezone.now()
        for criterion in criteria:
            value, comment = values[criterion.pk]
            score = existing.get(criterion.pk) or Score(
                case=case, director=actor, criterion=criterion
            )
            if score.pk and score.value == value and score.comment == (comment or "").strip():
                saved.append(score)
                continue
            score.value = value
            score.comment = (comment or "").strip()
            score.scored_at = now
            score.full_clean()
            score._history_user = actor
            score.save()
            saved.append(score)
    return saved


def _entry_for_update(case_pk: int) -> BoardEntry:
    return (
        BoardEntry.objects.select_for_update().select_related("case", "cycle").get(case_id=case_pk)
    )


def board_move(*, actor, case_pk: int, to_rank: int, version: int) -> BoardMove:
    """Move a case to position ``to_rank`` of its cycle's board; the cases between
    shift by one. Refused with ``BoardConflict`` if the board changed since the
    person loaded it (``version``): nobody's move is lost silently.

    The same few statements whatever the distance: the cases between are shifted
    with two set-based UPDATEs (out to a parking range and back, so that the unique
    rank holds after each statement on PostgreSQL and SQLite alike), and their
    history is written in one bulk INSERT, with the person and the reason."""
    if not permissions.can_use_board(actor):
        raise ServiceError(
            _("Only the IT directors' circle and the secretariat reorder the board.")
        )
    with transaction.atomic():
        entry = _entry_for_update(case_pk)
        board = Board.objects.select_for_update().get(cycle_id=entry.cycle_id)
        if board.version != version:
            raise BoardConflict(
                _(
                    "Someone else changed the board while you were looking at it. This "
                    "is the board as it is now; make your move again if it is still needed."
                )
            )
        if entry.published_in_id is not None:
            raise ServiceError(_("A published case keeps its place on the board."))
        on_board = BoardEntry.objects.filter(cycle_id=entry.cycle_id)
        count = on_board.count()
        to_rank = max(1, min(int(to_rank), count))
        from_rank = entry.rank
        if to_rank == from_rank:
            raise ServiceError(_("The case is already at position %(rank)s.") % {"rank": to_rank})
        if to_rank < from_rank:
            between = on_board.filter(rank__gte=to_rank, rank__lt=from_rank)
            shift = 1
        else:
            between = on_board.filter(rank__gt=from_rank, rank__lte=to_rank)
            shift = -1
        reason = _("Moved by %(who)s: %(title)s from %(from)s to %(to)s") % {
            "who": actor,
            "title": entry.case.title,
            "from": from_rank,
            "to": to_rank,
        }
        try:
            # Park the moving case, shift the others out and back, then set it down.
            on_board.filter(pk=entry.pk).update(rank=2 * _PARKING)
            between.update(rank=F("rank") + _PARKING + shift)
            shifted = on_board.filter(rank__gt=_PARKING, rank__lt=2 * _PARKING)
            shifted.update(rank=F("rank") - _PARKING)
            on_board.filter(pk=entry.pk).update(rank=to_rank)
        except IntegrityError as clash:  # pragma: no cover - the lock makes this unreachable
            raise BoardConflict(_("The board changed while the move was saved.")) from clash
        entry.rank = to_rank
        low, high = sorted((from_rank, to_rank))
        moved = list(on_board.filter(rank__gte=low, rank__lte=high).order_by("rank"))
        BoardEntry.history.bulk_history_create(
            moved, update=True, default_user=actor, default_change_reason=reason
        )
        board.version += 1
        board.save(update_fields=["version"])
        move = BoardMove.objects.create(
            board=board,
            case=entry.case,
            from_rank=from_rank,
            to_rank=to_rank,
            actor=actor,
            version=board.version,
        )
    return move


def board_recommend(*, actor, case_pk: int, recommendation: str, reason: str) -> BoardEntry:
    """The circle marks a case recommended or not recommended whatever its rank, with
    the reason the department will read; an empty ``recommendation`` leaves it to
    the cut line again."""
    if not permissions.can_use_board(actor):
        raise ServiceError(_("Only the IT directors' circle and the secretariat recommend cases."))
    reason = (reason or "").strip()
    if recommendation not in ("", *BoardRecommendation.values):
        raise ServiceError(_("Choose recommended or not recommended."))
    if recommendation and not reason:
        raise ServiceError(
            _("Give the reason for the recommendation."),
            problems={"reason": [_("Give the reason for the recommendation.")]},
        )
    with transaction.atomic():
        entry = _entry_for_update(case_pk)
        if entry.published_in_id is not None:
            raise ServiceError(_("The case is already published."))
        entry.recommendation = recommendation
        entry.reason = reason if recommendation else ""
        entry.full_clean()
        entry._history_user = actor
        entry.save(update_fields=["recommendation", "reason"])
        board = Board.objects.select_for_update().get(cycle_id=entry.cycle_id)
        board.version += 1
        board.save(update_fields=["version"])
    return entry
