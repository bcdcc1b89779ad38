"""Money on the board: recommending what fits above the cut line, and partial
funding of the case that straddles it, through financing's services."""

from collections import defaultdict

from django.db import transaction
from django.utils.translation import gettext as _

from governance.board import money, permissions
from governance.board.cutline import BELOW, FITS, PARTIAL
from governance.board.models import BoardEntry
from governance.board.selectors import board_state
from kkdigital.lib.errors import ServiceError
from portfolio.models import CaseState


def what_fits(row, lines) -> dict[int, dict[int, int | None]]:
    """Per channel id and year, what the cut line gives the case: all it asks where
    it fits, the part that fits where it straddles the line, nothing below it."""
    amounts: dict[int, dict[int, int]] = defaultdict(dict)
    for (channel_id, year), requested in row.requested_by_year.items():
        line = lines.get((channel_id, year))
        status = line.status.get(row.case.pk) if line else None
        if status == FITS:
            amounts[channel_id][year] = row.recommended_by_year.get((channel_id, year), requested)
        elif status == PARTIAL:
            amounts[channel_id][year] = line.straddling_fits
        elif status == BELOW:
            # Nothing fits: no recommendation (a 0 would count as "fits" on the board).
            amounts[channel_id][year] = None
    return amounts


def _channels():
    return {c.pk: c for c in money.channels()}


def board_fund_case(*, actor, case_pk: int, clear: bool = False) -> dict:
    """Recommend for one case what the cut line gives it (the part that fits, for a
    case that straddles the line: partial funding), or clear its recommended
    amounts. Capacity is checked by financing's service."""
    if not permissions.can_use_board(actor):
        raise ServiceError(_("Only the IT directors' circle and the secretariat recommend money."))
    entry = BoardEntry.objects.select_related("case", "cycle").get(case_id=case_pk)
    if entry.published_in_id is not None:
        raise ServiceError(_("The case is already published."))
    with transaction.atomic():
        state = board_state(actor, entry.cycle)
        row = next(r for r in state.rows if r.case.pk == case_pk)
        channels = _channels()
        if clear:
            plan = defaultdict(dict)
            for channel_id, year in row.requested_by_year:
                plan[channel_id][year] = None
        else:
            plan = what_fits(row, state.lines)
        for channel_id, amounts in plan.items():
            money.recommend(
                actor=actor, case=entry.case, channel=channels[channel_id], amounts=amounts
            )
    return plan


def board_fund_above_line(*, actor, cycle) -> int:
    """Recommend, in rank order, what the cut line gives every unpublished case that
    is not marked "not recommended": the cases above the line get all they ask,
    the straddling case the part that fits. Returns how many cases got money."""
    if not permissions.can_use_board(actor):
        raise ServiceError(_("Only the IT directors' circle and the secretariat recommend money."))
    funded = 0
    with transaction.atomic():
        state = board_state(actor, cycle)
        channels = _channels()
        for row in state.rows:
            if row.published or row.case.state != CaseState.QUALIFIED:
                continue
            if row.entry.recommendation == "not_recommended" or not row.requested_by_year:
                continue
            plan = what_fits(row, state.lines)
            if not any(v for amounts in plan.values() for v in amounts.values()):
                continue
            for channel_id, amounts in plan.items():
                money.recommend(
                    actor=actor, case=row.case.pk, channel=channels[channel_id], amounts=amounts
                )
            funded += 1
    return funded
