"""Use cases that change the register outside the KITOS import.

The secretariat's radar settings (which move every decision date), the
systems a case names, and the life-cycle change when a case that retires
systems is completed.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kkdigital.lib.errors import ServiceError

from ..models import CaseState, InvestmentCase
from ..permissions import can_edit_case, is_secretariat
from .models import CaseSystem, Contract, ITSystem, Lifecycle, RegisterSettings, SystemRole

BATCH = 1000


def register_settings_update(
    *, actor, tender_lead_months: int, radar_months: int, auto_case_months: int | None = None
):
    """The secretariat sets the tender lead time and the radar's window; every
    contract's decision date follows the new lead time."""
    if not is_secretariat(actor):
        raise PermissionDenied
    with transaction.atomic():
        row = RegisterSettings.objects.select_for_update().order_by("pk").first()
        row = row or RegisterSettings()
        row.tender_lead_months = tender_lead_months
        row.radar_months = radar_months
        if auto_case_months is not None:
            row.auto_case_months = auto_case_months
        row.full_clean()
        row._history_user = actor
        row.save()
        contract_decision_dates_refresh(lead_months=row.tender_lead_months)
    return row


def contract_decision_dates_refresh(*, lead_months: int | None = None) -> int:
    """Recompute every contract's stored decision date (derived data, no history)."""
    if lead_months is None:
        lead_months = RegisterSettings.load().tender_lead_months
    changed = []
    contracts = Contract.objects.only(
        "pk", "valid_to", "irrevocable_until", "notice_months", "decision_date"
    ).order_by("pk")
    for contract in contracts.iterator(chunk_size=BATCH):
        new = contract.compute_decision_date(lead_months)
        if new != contract.decision_date:
            contract.decision_date = new
            changed.append(contract)
    # decision_date is excluded from history: it is derived from fields that have it.
    Contract.objects.bulk_update(changed, ["decision_date"], batch_size=BATCH)
    return len(changed)


def case_system_set(*, actor, case_pk: int, system_pk: int, role: str) -> CaseSystem:
    """The department names a system its case introduces, replaces or retires
    (while it may edit the case)."""
    if role not in SystemRole.values:
        raise ServiceError(_("Choose what the case does with the system."),
                           {"role": [_("Choose a role.")]})
    with transaction.atomic():
        case = InvestmentCase.objects.select_for_update().get(pk=case_pk)
        if not (can_edit_case(actor, case) or is_secretariat(actor)):
            raise PermissionDenied
        system = ITSystem.objects.filter(pk=system_pk).first()
        if system is None:
            raise ServiceError(_("Choose a system from the register."),
                               {"system": [_("Choose a system.")]})
        link = CaseSystem.objects.filter(case=case, system=system).first() or CaseSystem(
            case=case, system=system
        )
        link.role = role
        link.full_clean()
        link._history_user = actor
        link.save()
    return link


def case_system_remove(*, actor, case_pk: int, link_pk: int) -> None:
    with transaction.atomic():
        case = InvestmentCase.objects.select_for_update().get(pk=case_pk)
        if not (can_edit_case(actor, case) or is_secretariat(actor)):
            raise PermissionDenied
        link = CaseSystem.objects.filter(case=case, pk=link_pk).first()
        if link is None:
            return
        link._history_user = actor
        link.delete()


def systems_retire_for_completed_case(*, actor, case: InvestmentCase) -> list[ITSystem]:
    """A completed case takes the systems it retires out of operation.

    Called by the case-complete transition inside its transaction, after the
    case has become completed. Only a case the Economic Committee approved
    reaches completed, so this is the rule "an approved case that retires
    systems changes their life cycle when it is completed". Each link is
    applied once (``applied_at``).
    """
    if case.state != CaseState.COMPLETED:
        return []
    now = timezone.now()
    retired = []
    links = (
        CaseSystem.objects.select_for_update()
        .filter(case=case, role=SystemRole.RETIRES, applied_at__isnull=True)
        .order_by("pk")
    )
    for link in links:
        system = ITSystem.objects.select_for_update().get(pk=link.system_id)
        if system.lifecycle != Lifecycle.NOT_IN_OPERATION:
            system.lifecycle = Lifecycle.NOT_IN_OPERATION
            system._history_user = actor
            system._change_reason = _("Retired by the completed case »%(case)s«") % {
                "case": case.title
            }
            system.full_clean()
            system.save(update_fields=["lifecycle"])
            retired.append(system)
        link.applied_at = now
        link._history_user = actor
        link.save(update_fields=["applied_at"])
    return retired
