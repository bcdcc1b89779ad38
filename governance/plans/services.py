"""Freezing a version of the plan: the secretariat, at a gate."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import BudgetCycle
from governance.plans.models import PlanGate, PlanVersion, PlanVersionAmount, PlanVersionCase
from governance.plans.permissions import can_freeze_plan
from governance.plans.snapshot import plan_lines
from kkdigital.lib.errors import ServiceError


def plan_freeze(*, actor, cycle: BudgetCycle, gate: str, note: str = "") -> PlanVersion:
    """Freeze the plan of ``cycle`` as it is now into a new numbered version: its
    cases, ranks, economy and allocations are copied into the version's own rows,
    which nothing changes afterwards."""
    if not can_freeze_plan(actor):
        raise ServiceError(_("Only the secretariat freezes a version of the plan."))
    if gate not in PlanGate.values:
        raise ServiceError(_("Choose the gate."), problems={"gate": [_("Choose the gate.")]})
    with transaction.atomic():
        # Lock the cycle: two freezes at once would want the same number.
        cycle = BudgetCycle.objects.select_for_update().get(pk=cycle.pk)
        # The version keeps each case's own department; participants are not copied.
        lines = plan_lines(cycle, participants=False)
        if not lines:
            raise ServiceError(_("The plan has no cases yet: publish the prioritisation first."))
        number = (cycle.plan_versions.aggregate(m=Max("number"))["m"] or 0) + 1
        version = PlanVersion(
            cycle=cycle,
            number=number,
            gate=gate,
            note=(note or "").strip(),
            price_year=cycle.budget_year,
            frozen_at=timezone.now(),
            frozen_by=actor,
        )
        version.full_clean()
        version._history_user = actor
        version.save()
        for line in lines:
            row = PlanVersionCase.objects.create(
                version=version,
                case_id=line.case_id,
                case_key=line.case_key,
                code=line.code,
                title=line.title,
                department_code=line.department_code,
                department_name=line.department_name,
                scope=line.scope,
                case_type=line.case_type,
                state=line.state,
                rank=line.rank,
                themes=line.themes,
                potentials=line.potentials,
                economy=line.economy,
                payback_years=line.payback_years,
            )
            PlanVersionAmount.objects.bulk_create(
                [
                    PlanVersionAmount(
                        line=row,
                        channel_kind=kind,
                        channel_name=name,
                        year=year,
                        requested=requested,
                        recommended=recommended,
                        granted=granted,
                    )
                    for (kind, name, year), (
                        requested,
                        recommended,
                        granted,
                    ) in line.amounts.items()
                ]
            )
    return version
