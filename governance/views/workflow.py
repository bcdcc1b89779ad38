"""The transition buttons of a case: one endpoint per action, a confirmation form
where a comment or a reason is needed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from governance.actions import CASE_ACTIONS, needs_override
from governance.forms import TransitionForm
from governance.permissions import may_act_outside_phase
from kkdigital.lib.errors import ServiceError
from kkdigital.lib.refusals import report_refusal
from portfolio.permissions import get_case_for


def safe_next(request, default: str) -> str:
    """Where to go back to: the page the button was on, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
def case_action(request, pk: int, action: str):
    """Confirm (GET) and make (POST) one transition of a case."""
    spec = CASE_ACTIONS.get(action)
    if spec is None:
        raise Http404("No such action.")
    case = get_case_for(request.user, pk)
    if not spec.actor(request.user, case):
        raise PermissionDenied(f"case={case.pk} action={action}")
    case_url = reverse("portfolio:case-detail", args=[case.pk])
    back = safe_next(request, case_url)
    override = needs_override(case, spec) and may_act_outside_phase(request.user)
    form = TransitionForm(
        request.POST if request.method == "POST" else None,
        needs_comment=spec.needs_comment,
        needs_override=override,
    )
    if request.method == "POST" and form.is_valid():
        try:
            # The reason field exists only when the phase is closed.
            spec.service(actor=request.user, case_pk=case.pk, **form.cleaned_data)
        except ServiceError as refusal:
            report_refusal(request, refusal, form)
        else:
            case.refresh_from_db(fields=["state"])
            messages.success(
                request,
                _("The case “%(case)s” is now %(state)s.")
                % {"case": case.title, "state": str(case.get_state_display()).lower()},
            )
            return redirect(back)
    return render(
        request,
        "governance/case_action.html",
        {
            "case": case,
            "action": spec,
            "form": form,
            "case_url": case_url,
            "next": back,
            "needs_override": override,
        },
    )

