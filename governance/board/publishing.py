"""Publishing the board: the recommended cases become prioritised in rank order,
the rest not recommended with the reason on their timeline.

The first publication of a cycle is the prioritisation; a case qualified after
it is scored, placed and published in a supplementary round of its own, so no
case is stuck. The transitions themselves are the workflow's
(``case_prioritise``); this module only decides the order and the outcome.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.board import permissions
from governance.board.models import Board, BoardEntry, BoardPublication, BoardRecommendation
from governance.board.selectors import board_state
from governance.models import BudgetCycle, PrioritisationRound
from governance.services.notifications import notify_prioritisation_published
from governance.services.workflow import TransitionError, case_prioritise
from kkdigital.lib.errors import ServiceError
from portfolio.models import CaseState


def board_publish(
    *, actor, cycle: BudgetCycle, version: int | None = None, override_reason: str = ""
) -> BoardPublication:
    """The secretariat publishes every unpublished qualified case of the board, in
    rank order, as the board says (explicit mark, else the cut line). All move or
    none. ``version``, if given, must be the board's: the secretariat confirms the
    board it saw."""
    if not permissions.can_publish_board(actor):
        raise ServiceError(_("Only the secretariat publishes the prioritisation."))
    with transaction.atomic():
        cycle = BudgetCycle.objects.select_for_update().get(pk=cycle.pk)
        board = Board.objects.select_for_update().get(cycle=cycle)
        if version is not None and board.version != version:
            raise ServiceError(
                _("The board changed after you opened the confirmation. Look at it again.")
            )
        state = board_state(actor, cycle)
        pending = [
            row for row in state.rows if not row.published and row.case.state == CaseState.QUALIFIED
        ]
        if not pending:
            raise ServiceError(_("There are no qualified cases left to publish."))
        number = (
            BoardPublication.objects.filter(cycle=cycle).aggregate(m=Max("number"))["m"] or 0
        ) + 1
        publication = BoardPublication(
            cycle=cycle, number=number, published_at=timezone.now(), published_by=actor
        )
        publication.full_clean()
        publication._history_user = actor
        publication.save()
        try:
            for row in pending:  # already in rank order
                case_prioritise(
                    actor=actor,
                    case_pk=row.case.pk,
                    recommended=row.effective == BoardRecommendation.RECOMMENDED,
                    comment=row.effective_reason,
                    override_reason=override_reason,
                )
                entry = BoardEntry.objects.select_for_update().get(pk=row.entry.pk)
                entry.published_in = publication
                entry._history_user = actor
                entry.save(update_fields=["published_in"])
        except TransitionError as refusal:
            raise ServiceError(refusal.message) from refusal
        if number == 1 and not PrioritisationRound.objects.filter(cycle=cycle).exists():
            # The cycle's prioritisation is public from now on (Assessment.visible_to).
            round_ = PrioritisationRound(
                cycle=cycle, published_at=publication.published_at, published_by=actor
            )
            round_._history_user = actor
            round_.save()
        # Each round tells the departments of its own cases how they fared.
        notify_prioritisation_published(cycle=cycle, case_ids=[row.case.pk for row in pending])
        board.version += 1
        board.save(update_fields=["version"])
    return publication
