"""The IT directors' circle's prioritisation: assessments and their publication."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance import permissions
from governance.models import (
    Assessment,
    BudgetCycle,
    PrioritisationRound,
    Recommendation,
)
from governance.services.notifications import notify_prioritisation_published
from governance.services.workflow import TransitionError, case_prioritise
from governance.workflow import table
from portfolio.models import InvestmentCase


def assessment_save(
    *,
    actor,
    case_pk: int,
    score: int,
    rank: int | None,
    recommendation: str,
    reason: str,
) -> Assessment:
    """The IT directors' circle (or the secretariat) scores, ranks and recommends a
    qualified case. A rank is held by one case per cycle; until the
    prioritisation is published the assessment can be changed."""
    with transaction.atomic():
        case = (
            InvestmentCase.objects.select_for_update(of=("self",))
            .select_related("cycle")
            .get(pk=case_pk)
        )
        if not permissions.can_assess_case(actor, case):
            raise PermissionDenied
        if PrioritisationRound.objects.filter(cycle_id=case.cycle_id).exists():
            raise ValidationError(_("The prioritisation has been published."))
        if (
            rank is not None
            and Assessment.objects.filter(case__cycle_id=case.cycle_id, rank=rank)
            .exclude(case_id=case.pk)
            .exists()
        ):
            raise ValidationError({"rank": _("Another case of the cycle has this rank.")})
        assessment = Assessment.objects.filter(case=case).first() or Assessment(case=case)
        assessment.score = score
        assessment.rank = rank
        assessment.recommendation = recommendation
        assessment.reason = (reason or "").strip()
        assessment.assessed_by = actor
        assessment.full_clean()
        assessment._history_user = actor
        assessment.save()
    return assessment


def prioritisation_publish(
    *, actor, cycle: BudgetCycle, override_reason: str = ""
) -> PrioritisationRound:
    """Close and publish the cycle's prioritisation (the secretariat).

    Every qualified case of the cycle must carry a recommendation; then, in one
    transaction, each becomes prioritised or not recommended with the
    directors' reason as its comment, and the assessments become visible to
    the departments. All cases move, or none.
    """
    if not permissions.can_publish_prioritisation(actor):
        raise TransitionError(_("Only the secretariat publishes the prioritisation."))
    with transaction.atomic():
        # Lock the cycle so that two publications cannot run side by side.
        cycle = BudgetCycle.objects.select_for_update().get(pk=cycle.pk)
        if PrioritisationRound.objects.filter(cycle=cycle).exists():
            raise TransitionError(_("The prioritisation is already published."))
        cases = list(
            InvestmentCase.objects.filter(cycle=cycle, state__in=table.from_states("prioritise"))
            .select_related("assessment")
            .order_by("pk")
        )
        missing = [
            case.title
            for case in cases
            if not hasattr(case, "assessment") or not case.assessment.recommendation
        ]
        if missing:
            raise TransitionError(
                _("Every qualified case needs an assessment with a recommendation: %(cases)s.")
                % {"cases": ", ".join(missing)}
            )
        for case in cases:
            case_prioritise(
                actor=actor,
                case_pk=case.pk,
                recommended=case.assessment.recommendation == Recommendation.PRIORITISE,
                comment=case.assessment.reason,
                override_reason=override_reason,
            )
        publication = PrioritisationRound(
            cycle=cycle, published_at=timezone.now(), published_by=actor
        )
        publication.full_clean()
        publication._history_user = actor
        publication.save()
        notify_prioritisation_published(cycle=cycle)
    return publication
