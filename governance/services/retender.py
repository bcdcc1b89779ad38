"""The re-tendering radar's cases: a contract whose decision date approaches
becomes a draft re-tendering case for its owner department.

Lives in governance because it joins the register (portfolio), the loan
channel (financing) and the notifications (governance). The same contract
never has two open re-tendering cases: the contract row is locked while the
open case is looked for and the new one written, so a person and the nightly
radar acting at once produce exactly one case.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from financing.models import ChannelKind, FinancingChannel
from financing.services import allocation_request_set
from governance.models import BudgetCycle, Notification
from governance.services.notifications import department_users, in_app_message, queue_email
from kkdigital.lib.errors import ServiceError
from portfolio import permissions
from portfolio.models import (
    CaseEconomyLine,
    CaseScope,
    CaseType,
    EconomyKind,
    InvestmentCase,
    Role,
    User,
)
from portfolio.permissions import is_department_user, is_secretariat
from portfolio.register.models import (
    OPEN_CASE_STATES,
    CaseSystem,
    Contract,
    ContractCase,
    RegisterSettings,
    SystemRole,
)
from portfolio.register.rules import add_months

logger = logging.getLogger(__name__)

RADAR_USERNAME = "genudbudsradar"
# The case's economy runs over the budget year and three overslagsår.
ECONOMY_YEARS = 4


class OpenCaseExists(ServiceError):
    """The contract already has an open re-tendering case."""

    def __init__(self, case: InvestmentCase):
        super().__init__(
            _("The contract already has an open re-tendering case: »%(case)s«.")
            % {"case": case.title}
        )
        self.case = case


def can_create_retender_case(user, contract: Contract) -> bool:
    """The secretariat, and the owner department's staff and IT lead."""
    return is_secretariat(user) or (
        is_department_user(user) and user.department_id == contract.owner_department_id
    )


def radar_user(department) -> User:
    """The radar's account for ``department``: it creates the department's draft
    re-tendering cases and requests the loan on the department's behalf, and it
    is what the case's history shows. It has no usable password and cannot sign in.

    One account per department, because money is requested by the owning
    department (``financing.permissions.can_request``).
    """
    user, created = User.objects.get_or_create(
        username=f"{RADAR_USERNAME}-{department.code.lower()}",
        defaults={
            "first_name": "Genudbudsradaren",
            "last_name": f"({department.code})",
            "department": department,
            "password": make_password(None),
        },
    )
    if created:
        group, _created = Group.objects.get_or_create(name=Role.DEPARTMENT_STAFF)
        user.groups.add(group)
    return user


def is_radar_user(user) -> bool:
    return bool(user and user.username.startswith(f"{RADAR_USERNAME}-"))


def _economy_year(contract: Contract, cycle: BudgetCycle) -> int:
    """The year the re-tendering money is needed: the year the contract ends,
    within the cycle's budget year and overslagsår."""
    first = cycle.budget_year
    end = contract.end_date
    year = end.year if end else first
    return min(max(year, first), first + ECONOMY_YEARS - 1)


def retender_case_create(
    *, actor, contract_pk: int, by_radar: bool = False, today: datetime.date | None = None
) -> InvestmentCase:
    """A draft re-tendering case for the contract's owner department.

    Linked to the contract and to its systems (which the case replaces); the
    economy starts from the contract's figures: the acquisition cost as the
    one-off re-tendering cost in the year the contract ends, and the yearly
    operating cost from that year on; the loan channel is requested for the
    re-tendering cost. Refused if the contract has an open re-tendering case.
    The owner department is told ("advis").
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        contract = (
            Contract.objects.select_for_update(of=("self",))
            .select_related("owner_department")
            .get(pk=contract_pk)
        )
        radar = radar_user(contract.owner_department)
        if by_radar:
            creator = radar
        else:
            if not can_create_retender_case(actor, contract):
                raise PermissionDenied
            creator = actor
        link = (
            ContractCase.objects.filter(contract=contract, case__state__in=OPEN_CASE_STATES)
            .select_related("case")
            .first()
        )
        if link is not None:
            raise OpenCaseExists(link.case)
        cycle = BudgetCycle.objects.current(today)
        if cycle is None:
            raise ServiceError(_("There is no budget cycle to put the case in."))
        case = _write_case(contract=contract, cycle=cycle, creator=creator, by_radar=by_radar)
        link = ContractCase(contract=contract, case=case, by_radar=by_radar)
        link.full_clean()
        link._history_user = creator
        link.save()
        for system in contract.systems.all():
            system_link = CaseSystem(case=case, system=system, role=SystemRole.REPLACES)
            system_link.full_clean()
            system_link._history_user = creator
            system_link.save()
        # The owning department asks for money: a person of the department does so
        # themself; for the secretariat and the nightly run the radar asks on its behalf.
        requester = creator if permissions.can_edit_case(creator, case) else radar
        _request_loan(actor=requester, case=case, contract=contract, cycle=cycle)
        notify_retender_case(case=case, contract=contract, by_radar=by_radar,
                             actor=None if by_radar else actor)
    return case


def _write_case(*, contract, cycle, creator, by_radar) -> InvestmentCase:
    end = contract.end_date
    facts = [
        _("Contract: %(name)s (%(id)s), supplier %(supplier)s.")
        % {"name": contract.name, "id": contract.contract_id or "–",
           "supplier": contract.supplier or "–"},
        _("Ends: %(end)s; notice %(notice)s months; decision date %(decision)s.")
        % {
            "end": end.strftime("%d-%m-%Y") if end else "–",
            "notice": contract.notice_months if contract.notice_months is not None else "–",
            "decision": contract.decision_date.strftime("%d-%m-%Y")
            if contract.decision_date else "–",
        },
    ]
    if contract.extension_options:
        facts.append(_("Extension options not yet used: %(options)s.")
                     % {"options": contract.extension_options})
    case = InvestmentCase(
        title=(_("Re-tendering: %(contract)s") % {"contract": contract.name})[:200],
        summary=_(
            "The contract »%(contract)s« expires; the department decides whether to "
            "re-tender it or use an extension option."
        ) % {"contract": contract.name},
        background=" ".join(str(f) for f in facts),
        department=contract.owner_department,
        scope=CaseScope.DEPARTMENT,
        case_type=CaseType.RETENDER,
        cycle=cycle,
        price_year=cycle.budget_year,
        created_by=creator,
        contact_name="" if by_radar else creator.get_full_name(),
        contact_email="" if by_radar else creator.email,
        version=1,
    )
    case.full_clean()
    case._history_user = creator
    case._change_reason = (
        _("Created by the re-tendering radar") if by_radar
        else _("Created from the re-tendering radar")
    )
    case.save()
    year = _economy_year(contract, cycle)
    lines = []
    if contract.acquisition_cost:
        lines.append((EconomyKind.RETENDER, year, contract.acquisition_cost))
    if contract.yearly_operating_cost:
        for y in range(year, cycle.budget_year + ECONOMY_YEARS):
            lines.append((EconomyKind.OPERATING, y, contract.yearly_operating_cost))
    for kind, y, amount in lines:
        line = CaseEconomyLine(case=case, kind=kind, year=y, amount=amount)
        line.full_clean()
        line._history_user = creator
        line.save()
    return case


def _request_loan(*, actor, case, contract, cycle) -> None:
    """Request the internal loan for re-tendering for the one-off cost (money's API)."""
    if not contract.acquisition_cost:
        return
    channel = FinancingChannel.objects.filter(kind=ChannelKind.LOAN).first()
    if channel is None:
        return
    allocation_request_set(
        actor=actor,
        case=case,
        channel=channel,
        amounts={_economy_year(contract, cycle): contract.acquisition_cost},
    )


def notify_retender_case(*, case, contract, by_radar: bool, actor=None) -> list[Notification]:
    """The advis: the owner department's staff and IT leads hear of the new draft."""

    notifications = []
    recipients = department_users([case.department_id]).exclude(
        username__startswith=f"{RADAR_USERNAME}-"
    )
    if actor is not None:
        recipients = recipients.exclude(pk=actor.pk)
    for recipient in recipients:
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "recipient": recipient,
                "case": case,
                "contract": contract,
                "by_radar": by_radar,
                "actor": actor,
                "case_url": settings.KK_SITE_URL + case.get_absolute_url(),
            }
            subject = (_("Advis: the contract %(contract)s must be re-tendered")
                       % {"contract": contract.name})[:250]
            body = render_to_string("governance/email/retender_advis.txt", context).strip()
            message = in_app_message("governance/email/retender_advis.txt", context)
        notification = Notification(recipient=recipient, case=case, subject=subject,
                                    body=body + "\n", message=message)
        notification.full_clean()
        notification.save()
        queue_email(notification.pk)
        notifications.append(notification)
    return notifications


def retender_radar_run(*, today: datetime.date | None = None) -> list[InvestmentCase]:
    """Nightly: a draft case for every contract whose decision date falls within the
    secretariat's automatic window and that has never had a re-tendering case."""
    today = today or timezone.localdate()
    settings_row = RegisterSettings.load()
    if not settings_row.auto_case_months:
        return []
    horizon = add_months(today, settings_row.auto_case_months)
    candidates = list(
        Contract.objects.filter(decision_date__isnull=False, decision_date__lte=horizon)
        .exclude(case_links__isnull=False)
        .filter(owner_department__isnull=False)
        .order_by("decision_date", "pk")
        .values_list("pk", flat=True)
    )
    created = []
    for pk in candidates:
        contract = Contract.objects.only("valid_to", "irrevocable_until").get(pk=pk)
        end = contract.end_date
        if end is None or end < today:
            continue
        try:
            created.append(retender_case_create(actor=None, contract_pk=pk, by_radar=True,
                                                today=today))
        except OpenCaseExists:
            continue
        except ServiceError as error:
            logger.warning("radar: no case for contract %s: %s", pk, error)
    return created


