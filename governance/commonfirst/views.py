"""The case page's part of "fælles først", and the secretariat's marking."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kkdigital.lib.errors import ServiceError
from portfolio.models import CaseState, InvestmentCase
from portfolio.permissions import get_case_for, is_department_user, is_secretariat

from . import services
from .finder import similar_cases


def case_page_context(user, case) -> dict:
    """Similar cases for the case's own department and the secretariat (registered in apps)."""
    own = is_department_user(user) and user.department_id == case.department_id
    secretariat = is_secretariat(user)
    if not (own or secretariat) or case.state == CaseState.WITHDRAWN:
        return {}
    matches = similar_cases(case)
    # One query whether or not anything matched ([0] matches no case), so that the
    # case page costs the same however many similar cases there are.
    readable = set(
        InvestmentCase.objects.visible_to(user)
        .filter(pk__in=[m.case.pk for m in matches] or [0])
        .values_list("pk", flat=True)
    )
    candidates = list(case.crosscutting_candidates.prefetch_related("cases__department"))
    together = {c.pk for candidate in candidates for c in candidate.cases.all()}
    return {
        "similar_cases": [
            {
                "case": m.case,
                "readable": m.case.pk in readable,
                "marked": m.case.pk in together,
            }
            for m in matches
        ],
        "crosscutting_candidates": [
            [c for c in candidate.cases.all() if c.pk != case.pk] for candidate in candidates
        ],
        "may_mark_crosscutting": secretariat,
    }


@require_POST
@login_required
def mark_crosscutting(request, pk, other_pk):
    case = get_case_for(request.user, pk)
    other = get_case_for(request.user, other_pk)
    try:
        services.crosscutting_candidate_mark(actor=request.user, case=case, other=other)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(case)s and %(other)s are marked as one cross-cutting candidate.")
            % {"case": case.title, "other": other.title},
        )
    return redirect(case.get_absolute_url() + "#similar-cases")
