"""The radar's button: a draft re-tendering case from a contract."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.services.retender import (
    OpenCaseExists,
    can_create_retender_case,
    retender_case_create,
)
from kkdigital.lib.errors import ServiceError
from portfolio.register.models import Contract


@require_POST
@login_required
def retender_case_create_view(request, contract_pk):
    contract = get_object_or_404(Contract.objects.visible_to(request.user), pk=contract_pk)
    if not can_create_retender_case(request.user, contract):
        raise PermissionDenied
    try:
        case = retender_case_create(actor=request.user, contract_pk=contract.pk)
    except OpenCaseExists as error:
        messages.info(request, error.message)
        return redirect(error.case.get_absolute_url())
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(contract.get_absolute_url())
    messages.success(
        request,
        _("A draft re-tendering case has been created for %(department)s.")
        % {"department": case.department.name},
    )
    return redirect(case.get_absolute_url())
