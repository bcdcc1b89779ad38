"""Demo data of the IT system and contract register (area 30).

A few hundred invented systems and contracts across the seven departments, as
a KITOS import would leave them (with history, written in bulk), some of them
expiring within the re-tendering radar's window; the systems a few demo cases
retire or replace; and one draft re-tendering case that BIF's IT lead created
from the radar. Idempotent: a second run changes nothing.
"""

import datetime
import random
import uuid
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from portfolio.models import CaseScope, CaseState, Department, InvestmentCase
from portfolio.register.models import (
    BusinessCritical,
    CaseSystem,
    Contract,
    ContractCase,
    ITSystem,
    Lifecycle,
    OrgUnitMapping,
    RegisterSettings,
    SystemRole,
)
from portfolio.register.rules import add_months

NAMESPACE = uuid.UUID("6b3c1f2e-30de-4a11-9c3e-000000000030")
SYSTEMS_PER_DEPARTMENT = 40
CONTRACTS_PER_DEPARTMENT = 30
DEMO_CONTRACT = "Driftsaftale for sagsbehandlingssystem (BIF)"

KINDS = [
    "Sagsbehandlingssystem", "Journalsystem", "Bookingsystem", "ESDH-løsning",
    "Dokumentarkiv", "Selvbetjeningsløsning", "Ruteplanlægning", "Tidsregistrering",
    "Skoleadministration", "Bibliotekssystem", "Byggesagssystem", "Parkeringssystem",
    "Kvalitetssystem", "Ressourcestyring", "Intranet", "Videomøder", "BI-platform",
    "Integrationsplatform", "Vagtplanlægning", "Borgerportal",
]
SUPPLIERS = [f"Leverandør {name} A/S" for name in (
    "Alfa", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta", "Iota", "Kappa")]
LIFECYCLES = ([Lifecycle.IN_OPERATION] * 14 + [Lifecycle.PHASING_OUT] * 2
              + [Lifecycle.PHASING_IN] * 2 + [Lifecycle.TESTING, Lifecycle.NOT_IN_OPERATION])
USERS = ["<10", "10-50", "50-100", ">100"]


def _uuid(kind: str, code: str, n: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{code}:{n}")


def seed(*, today: datetime.date, log) -> None:
    departments = {d.code: d for d in Department.objects.all()}
    if len(departments) < 7:
        log("area 30 (register): the base demo's departments are missing; skipped")
        return
    User = get_user_model()
    secretariat = User.objects.filter(username="anne.jeppesen").first()
    with transaction.atomic():
        RegisterSettings.objects.get_or_create(pk=1)
        for department in departments.values():
            OrgUnitMapping.objects.get_or_create(
                kitos_unit=" ".join(department.name.split()).casefold(),
                defaults={"department": department},
            )
        if not ITSystem.objects.filter(kitos_uuid=_uuid("system", "BIF", 0)).exists():
            _register(departments, today=today, actor=secretariat)
            log("area 30 (register): systems and contracts written")
        if secretariat is not None:
            _case_systems(actor=secretariat)
    _radar_case(today=today, log=log)


def _register(departments, *, today, actor) -> None:
    rng = random.Random(30)
    now = timezone.now()
    lead = RegisterSettings.load().tender_lead_months
    systems, contracts, links = [], [], []
    by_department: dict[str, list[ITSystem]] = {}
    for code in sorted(departments):
        department = departments[code]
        for n in range(SYSTEMS_PER_DEPARTMENT):
            kind = KINDS[(n + len(code)) % len(KINDS)]
            system = ITSystem(
                name=f"{kind} {chr(65 + n // len(KINDS))}{n % len(KINDS) + 1} ({code})",
                kitos_uuid=_uuid("system", code, n),
                owner_department=department,
                kitos_unit=department.name,
                business_critical=(
                    BusinessCritical.YES if n % 7 == 0
                    else BusinessCritical.UNKNOWN if n % 11 == 0 else BusinessCritical.NO
                ),
                lifecycle=rng.choice(LIFECYCLES),
                supplier=rng.choice(SUPPLIERS),
                user_count=rng.choice(USERS),
                purpose=f"{kind} i {department.name} (demodata).",
                imported_at=now,
            )
            systems.append(system)
            by_department.setdefault(code, []).append(system)
    bulk_create_with_history(systems, ITSystem, batch_size=500, default_user=actor,
                             default_change_reason="KITOS-import (demo)")
    pks = dict(ITSystem.objects.values_list("kitos_uuid", "pk"))
    for system in systems:
        system.pk = pks[system.kitos_uuid]
    for index, code in enumerate(sorted(departments)):
        department = departments[code]
        own = by_department[code]
        for n in range(CONTRACTS_PER_DEPARTMENT):
            covered = [own[(2 * n) % len(own)], own[(2 * n + 1) % len(own)]][: 1 + n % 2]
            # Ends from 20 months to 11 years ahead; every fifth is irrevocable longer.
            valid_to = add_months(today, 20 + (n * 37 + index * 11) % 110)
            irrevocable = add_months(valid_to, 12) if n % 5 == 0 else None
            name = f"Kontrakt om {covered[0].name}"
            if code == "BIF" and n == 0:
                name = DEMO_CONTRACT
                valid_to = add_months(today, 27)
                irrevocable = None
            contract = Contract(
                name=name[:300],
                contract_id=f"KK-{2016 + n % 9}-{code}{n:03d}",
                kitos_uuid=_uuid("contract", code, n),
                owner_department=department,
                kitos_unit=department.name,
                supplier=covered[0].supplier,
                valid_from=add_months(valid_to, -60),
                valid_to=valid_to,
                irrevocable_until=irrevocable,
                notice_months=(3, 6, 12)[n % 3],
                extension_options=("", "2 x 12 måneder", "1 x 24 måneder")[n % 3],
                procurement_strategy=("Udbud", "SKI-aftale", "")[n % 3],
                procurement_plan_quarter=1 + n % 4 if n % 2 else None,
                procurement_plan_year=valid_to.year - 1 if n % 2 else None,
                procurement_initiated=False if n % 2 else None,
                yearly_operating_cost=rng.randrange(100, 6000) * 1000,
                acquisition_cost=rng.randrange(500, 15000) * 1000,
                system_uuids=",".join(str(s.kitos_uuid) for s in covered),
                imported_at=now,
            )
            contract.decision_date = contract.compute_decision_date(lead)
            contracts.append((contract, covered))
    bulk_create_with_history([c for c, _s in contracts], Contract, batch_size=500,
                             default_user=actor, default_change_reason="KITOS-import (demo)")
    contract_pks = dict(Contract.objects.values_list("kitos_uuid", "pk"))
    through = Contract.systems.through
    for contract, covered in contracts:
        for system in covered:
            links.append(through(contract_id=contract_pks[contract.kitos_uuid],
                                 itsystem_id=system.pk))
    through.objects.bulk_create(links, batch_size=1000)


def _case_systems(*, actor) -> None:
    """A few demo cases name the systems they retire or replace (once)."""
    from portfolio.register.services import (
        case_system_set,
        systems_retire_for_completed_case,
    )

    if CaseSystem.objects.filter(case__retender_link__isnull=True).exists():
        return
    cases = InvestmentCase.objects.filter(cycle__budget_year=2027).order_by("pk")
    chosen = [
        *cases.filter(state__in=(CaseState.APPROVED, CaseState.IN_PROGRESS))[:3],
        *cases.filter(state=CaseState.COMPLETED)[:1],
    ]
    for case in chosen:
        systems = ITSystem.objects.filter(
            owner_department=case.department_id, lifecycle=Lifecycle.PHASING_OUT
        ).order_by("name")[:2]
        for system in systems:
            case_system_set(actor=actor, case_pk=case.pk, system_pk=system.pk,
                            role=SystemRole.RETIRES)
        if case.state == CaseState.COMPLETED:
            systems_retire_for_completed_case(actor=actor, case=case)
    cross = (
        cases.filter(scope=CaseScope.CROSS_CUTTING)
        .exclude(state__in=(CaseState.DRAFT, CaseState.WITHDRAWN, CaseState.REJECTED))
        .first()
    )
    if cross is not None:
        for department in Department.objects.order_by("code")[:3]:
            system = ITSystem.objects.filter(
                owner_department=department, name__startswith="Bookingsystem"
            ).order_by("name").first()
            if system is not None:
                case_system_set(actor=actor, case_pk=cross.pk, system_pk=system.pk,
                                role=SystemRole.REPLACES)


def _radar_case(*, today, log) -> None:
    """BIF's IT lead created the draft re-tendering case from the radar three days ago
    (once). Like the base demo's story, it happened then: its rows and its advis are
    dated then, and the advis counts as e-mailed then (nothing is mailed today)."""
    from governance.models import Notification
    from governance.services import retender

    contract = Contract.objects.filter(name=DEMO_CONTRACT).first()
    it_lead = get_user_model().objects.filter(username="jonas.kristensen").first()
    if contract is None or it_lead is None:
        return
    if ContractCase.objects.filter(contract=contract).exists():
        return
    moment = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=3), datetime.time(10, 0))
    )
    queued: list[int] = []
    with (
        mock.patch("django.utils.timezone.now", lambda: moment),
        mock.patch.object(retender, "queue_email", queued.append),
    ):
        case = retender.retender_case_create(actor=it_lead, contract_pk=contract.pk,
                                             today=today)
    Notification.objects.filter(pk__in=queued).update(created_at=moment, emailed_at=moment)
    log(f"area 30 (register): re-tendering case »{case.title}« created from the radar")
