"""Marking similar cases as one cross-cutting candidate (the secretariat, while qualifying)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from kkdigital.lib.errors import ServiceError
from portfolio.models import InvestmentCase
from portfolio.permissions import is_secretariat

from .models import CrossCuttingCandidate


def crosscutting_candidate_mark(*, actor, case, other, note: str = "") -> CrossCuttingCandidate:
    """Put two cases of different departments in one cross-cutting candidate.

    If either case is already in a candidate, the other joins it (two
    candidates that meet are merged into the older one), so a case belongs to
    at most one candidate.
    """
    if not is_secretariat(actor):
        raise PermissionDenied
    with transaction.atomic():
        cases = list(InvestmentCase.objects.select_for_update().filter(pk__in=[case.pk, other.pk]))
        if len(cases) != 2 or cases[0].department_id == cases[1].department_id:
            raise ServiceError(_("Only cases of two different departments can be marked together."))
        existing = list(
            CrossCuttingCandidate.objects.select_for_update()
            .filter(pk__in=CrossCuttingCandidate.objects.filter(cases__in=cases).values("pk"))
            .order_by("created_at", "pk")
        )
        if existing:
            candidate = existing[0]
            for extra in existing[1:]:
                for moved in extra.cases.all():
                    candidate.cases.add(moved)
                extra.delete()
        else:
            candidate = CrossCuttingCandidate(created_by=actor, note=note.strip())
            candidate.full_clean()
            candidate._history_user = actor
            candidate.save()
        candidate.cases.add(*cases)
    return candidate
