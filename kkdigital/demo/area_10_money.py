"""Demo money: price index (demo figures), pool rules and loan terms for Budget 2027,
requests, recommendations and grants across the three channels, an internal loan
with its schedule and one moved instalment, and the budget-note codes.

Recommendations, grants, the loan and the codes go through the real services.
Requests of cases that have left the draft state are written as the department
made them then (a service cannot request for a submitted case any more).
Idempotent: a second run finds everything in place and changes nothing.
"""

from decimal import Decimal

from django.db import transaction

from financing import services
from financing.models import (
    Allocation,
    ChannelKind,
    FinancingChannel,
    Loan,
    LoanTerms,
    PoolRules,
    PriceIndex,
)
from portfolio.models import CaseState, EconomyKind, InvestmentCase, User
from portfolio.services import case_note_code_assign

DEMO_NOTE = "Demotal"
# Demo price index (2027 = 100); invented, not the official p/l of KL/KK.
PRICE_INDEX = {2025: "95.300", 2026: "97.600", 2027: "100.000", 2028: "102.200",
               2029: "104.400", 2030: "106.600", 2031: "108.800"}

# title → [(channel, steps)] where steps are "request", "recommend", "grant".
PLAN = {
    "Nyt fælles tidsregistreringssystem": [(ChannelKind.FRAME, ("recommend",))],
    "Fælles logovervågning og beredskab mod cyberangreb": [
        (ChannelKind.FRAME, ("recommend", "grant")),
    ],
    "Genudbud af sagssystemet DOMUS": [(ChannelKind.LOAN, ("recommend", "grant", "loan"))],
    "Genudbud af omsorgssystemet CURA": [(ChannelKind.LOAN, ("recommend",))],
    "AI til resumé af samtaler med ledige borgere": [(ChannelKind.POOL, ("grant",))],
    "Skærmbesøg i hjemmeplejen": [(ChannelKind.POOL, ("recommend",))],
    "Digital byggesagsbehandling med 3D-modeller": [(ChannelKind.FRAME, ("grant",))],
    "Videreudvikling af KEJD Dataportal": [(ChannelKind.FRAME, ())],
    "Fremtidens netværksdækning": [(ChannelKind.FRAME, ())],
    "AI i sagsbehandlingen på løn- og personaleområdet": [(ChannelKind.POOL, ("recommend",))],
    "Ledelse i en digital tid": [(ChannelKind.POOL, ())],
}
NOTE_CODE_STATES = (
    CaseState.QUALIFIED, CaseState.PRIORITISED, CaseState.NOT_RECOMMENDED,
    CaseState.FORWARDED, CaseState.APPROVED, CaseState.REJECTED, CaseState.DEFERRED,
    CaseState.IN_PROGRESS, CaseState.COMPLETED,
)


def _request_amounts(case, kind) -> dict[int, int]:
    """What the department asks for: its one-off costs per year of the cycle
    (re-tendering costs for a loan, investment for the others)."""
    wanted = EconomyKind.RETENDER if kind == ChannelKind.LOAN else EconomyKind.INVESTMENT
    amounts: dict[int, int] = {}
    for line in case.economy_lines.all():
        if line.kind == wanted and line.year in case.cycle.out_years and line.amount:
            amounts[line.year] = amounts.get(line.year, 0) + line.amount
    if not amounts:
        amounts = {case.cycle.budget_year: 1_000_000}
    return amounts


def seed(*, today, log) -> None:
    from django.apps import apps

    BudgetCycle = apps.get_model("governance", "BudgetCycle")
    cycle = BudgetCycle.objects.filter(budget_year=2027).first()
    if cycle is None:
        log("money: no Budget 2027 cycle; nothing seeded")
        return
    secretariat = User.objects.get(username="anne.jeppesen")
    director = User.objects.get(username="birgitte.hansen")
    channels = {c.kind: c for c in FinancingChannel.objects.all()}
    with transaction.atomic():
        for year, index in PRICE_INDEX.items():
            PriceIndex.objects.get_or_create(
                year=year, defaults={"index": Decimal(index), "is_demo": True, "note": DEMO_NOTE}
            )
        PoolRules.objects.get_or_create(
            cycle=cycle,
            defaults={"max_payback_years": 4, "require_gains": True,
                      "gains_cover_within_years": 5, "note": DEMO_NOTE},
        )
        LoanTerms.objects.get_or_create(cycle=cycle, defaults={"term_years": 5,
                                                               "rate": Decimal("1.50")})
        for case in (
            InvestmentCase.objects.filter(cycle=cycle, state__in=NOTE_CODE_STATES)
            .order_by("pk")
        ):
            if not case.note_code:
                case_note_code_assign(actor=secretariat, case=case)
        cases = {
            c.title: c
            for c in InvestmentCase.objects.filter(cycle=cycle, title__in=PLAN)
            .select_related("cycle", "department").prefetch_related("economy_lines")
        }
        for title, plan in PLAN.items():
            case = cases.get(title)
            if case is None:
                continue
            for kind, steps in plan:
                channel = channels[kind]
                amounts = _request_amounts(case, kind)
                _request(case, channel, amounts)
                mine = Allocation.objects.filter(case=case, channel=channel)
                # Never overwrite a step another area's story (the board) already took.
                if "recommend" in steps and not mine.filter(recommended__isnull=False).exists():
                    services.allocation_recommend_set(
                        actor=director, case=case, channel=channel, amounts=amounts
                    )
                if "grant" in steps and not mine.filter(granted__isnull=False).exists():
                    # A partial grant: ØU gives 80 % of what was asked.
                    granted = {year: amount * 8 // 10 for year, amount in amounts.items()}
                    services.allocation_grant_set(
                        actor=secretariat, case=case, channel=channel, amounts=granted
                    )
                if "loan" in steps and not Loan.objects.filter(case=case).exists():
                    loan = services.loan_create_from_grant(actor=secretariat, case=case)
                    first = loan.instalments.order_by("year").first()
                    last = loan.instalments.order_by("-year").first()
                    services.loan_move_instalment(
                        actor=secretariat, loan=loan, from_year=first.year,
                        to_year=last.year + 1,
                        reason="Demo: ØU udskød første afdrag ved overførselssagen.",
                    )
    log(f"money: {Allocation.objects.count()} allocations, {Loan.objects.count()} loan(s)")


def _request(case, channel, amounts):
    """The department's request as it was made while the case was a draft."""
    user = case.created_by
    for year, amount in amounts.items():
        allocation = Allocation.objects.filter(case=case, channel=channel, year=year).first()
        if allocation is None:
            allocation = Allocation(
                case=case, channel=channel, year=year,
                round="budget" if channel.kind == ChannelKind.POOL else "",
            )
        elif allocation.requested == amount:
            continue
        allocation.requested = amount
        allocation.full_clean()
        allocation._history_user = user
        allocation._change_reason = "Demodata"
        allocation.save()
