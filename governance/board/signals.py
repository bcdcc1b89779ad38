"""A case that is qualified goes onto its cycle's board at once, at the bottom."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from governance.models import CaseTransition
from portfolio.models import CaseState


@receiver(post_save, sender=CaseTransition, dispatch_uid="board_place_qualified_case")
def place_qualified_case(sender, instance, created, **kwargs):
    if not created or instance.to_state != CaseState.QUALIFIED:
        return
    from governance.board.services import board_sync

    board_sync(cycle=instance.case.cycle)
