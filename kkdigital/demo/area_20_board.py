"""Demo of the IT directors' board and the development and transition plan.

Eight more cases of Budget 2027 are written, submitted and qualified through the
real services and ask the three channels for more than is left, so that the
board shows a cut line in every channel; two directors (Birgitte Hansen and a
second director, Henrik Dahl) score every qualified case and disagree on one;
the circle reorders, marks two cases against their rank and recommends the
money above the line (the case on the line gets the part that fits); and the
secretariat freezes two versions of the plan with a recommended amount changed
between them. Idempotent: a second run finds everything in place.
"""

from django.contrib.auth.models import Group
from django.db import transaction

from governance.board.funding import board_fund_above_line
from governance.board.models import Board, BoardEntry, BoardMove, Score
from governance.board.services import (
    board_move,
    board_recommend,
    board_sync,
    criteria_for,
    criterion_set,
    scores_save,
)
from governance.models import BudgetCycle, PhaseKind
from governance.plans.models import PlanVersion
from governance.plans.services import plan_freeze
from governance.services.workflow import TransitionError, case_qualify, case_submit
from kkdigital.lib.errors import ServiceError
from portfolio.models import (
    CaseEconomyLine,
    CasePrinciple,
    CaseScope,
    CaseState,
    CaseType,
    Department,
    EconomyKind,
    InvestmentCase,
    RiskLevel,
    Role,
    User,
)

PASSWORD = "kkdigital-demo"
SECOND_DIRECTOR = ("henrik.dahl", "Henrik", "Dahl")
WHY = "Demo: kvalificeret til direktørkredsens tavle før kvalificeringsfasen."
IT_LEADS = {
    "BIF": "jonas.kristensen", "SUF": "lars.andersen", "OKF": "mikkel.sorensen",
    "BUF": "camilla.berg", "SOF": "rasmus.thomsen", "TMF": "nadia.olsen",
    "KFF": "kasper.winther",
}

# title, department, partners, scope, type, channel, share of what is left in the
# channel in the budget year (the shares add up past 100 %, so the money runs out).
BOARD_CASES = [
    ("Fælles chatbot til borgerhenvendelser", "OKF", ("BIF", "SUF", "KFF"),
     CaseScope.CROSS_CUTTING, CaseType.DIGITAL_SOLUTION, "frame", 60),
    ("Samlet identitets- og adgangsstyring (IAM)", "OKF", ("BUF", "SOF", "TMF"),
     CaseScope.CROSS_CUTTING, CaseType.PLATFORM, "frame", 50),
    ("Digital tilsynsplatform for daginstitutioner", "BUF", (),
     CaseScope.DEPARTMENT, CaseType.DIGITAL_SOLUTION, "frame", 25),
    ("Genudbud af løsningen til elevadministration", "BUF", (),
     CaseScope.DEPARTMENT, CaseType.RETENDER, "loan", 60),
    ("Genudbud af parkeringssystemet", "TMF", (),
     CaseScope.DEPARTMENT, CaseType.RETENDER, "loan", 55),
    ("Talegenkendelse i dokumentationen på bostederne", "SOF", (),
     CaseScope.DEPARTMENT, CaseType.NEW_TECHNOLOGY, "pool", 50),
    ("Robotter til lagerstyring på plejecentrene", "SUF", (),
     CaseScope.DEPARTMENT, CaseType.NEW_TECHNOLOGY, "pool", 40),
    ("Booking af kultur- og idrætsfaciliteter", "KFF", ("BUF",),
     CaseScope.CROSS_CUTTING, CaseType.DIGITAL_SOLUTION, "pool", 35),
]
# Each director's score per criterion (in the criteria's order) for the cases by
# their position on the board; Henrik Dahl sees the IAM case's maturity otherwise.
SCORES = {
    "birgitte.hansen": [4, 5, 4, 3, 4, 3],
    "henrik.dahl": [4, 4, 4, 3, 4, 4],
}
DISAGREEMENT = {  # case title → director → overrides by criterion position
    "Samlet identitets- og adgangsstyring (IAM)": {
        "birgitte.hansen": {1: 5, 2: 5, 3: 5, 6: 4},
        "henrik.dahl": {1: 4, 2: 3, 3: 5, 6: 2},
    },
}


def _second_director() -> User:
    username, first, last = SECOND_DIRECTOR
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=first, last_name=last,
                    email=f"{username}@kk.dk")
        user.set_password(PASSWORD)
        user.save()
    group, _created = Group.objects.get_or_create(name=Role.IT_DIRECTORS)
    user.groups.add(group)
    return user


def _remaining(cycle, channel) -> int:
    from financing.selectors import channel_year_totals

    rows = [r for r in channel_year_totals(cycle) if r.channel == channel
            and r.year == cycle.budget_year]
    return max(sum(r.remaining for r in rows), 10_000_000)


def _write_case(cycle, spec, channel, share, seq) -> InvestmentCase | None:
    """A complete draft with its request, submitted by the IT lead and qualified."""
    from financing.services import allocation_request_set
    from strategy.models import Potential, Principle, Theme

    title, code, partners, scope, case_type, _kind, _share = spec
    department = Department.objects.get(code=code)
    it_lead = User.objects.get(username=IT_LEADS[code])
    year = cycle.budget_year
    amount = _remaining(cycle, channel) * share // 100 // 100_000 * 100_000
    case = InvestmentCase.objects.create(
        title=title, department=department, scope=scope, case_type=case_type, cycle=cycle,
        price_year=year, created_by=it_lead,
        summary=f"{title}: et investeringsbehov til direktørkredsens prioritering.",
        background="Opgaven løses i dag manuelt og forskelligt fra enhed til enhed.",
        solution="En fælles løsning, der bygger på kommunens platforme.",
        contact_name=it_lead.get_full_name(), contact_email=it_lead.email,
        risk_level=RiskLevel.MEDIUM, risk_text="Afhænger af leverandørens tidsplan.",
    )
    case.participating_departments.set(Department.objects.filter(code__in=(code, *partners)))
    case.themes.set(Theme.objects.order_by("number")[seq % 6: seq % 6 + 1])
    case.potentials.set(Potential.objects.order_by("pk")[: 1 + seq % 3])
    CasePrinciple.objects.create(
        case=case, principle=Principle.objects.order_by("number").first(),
        justification="Løsningen bygges én gang og bruges af flere forvaltninger.",
    )
    kind = EconomyKind.RETENDER if case_type == CaseType.RETENDER else EconomyKind.INVESTMENT
    for offset, part in ((0, amount), (1, amount // 2)):
        CaseEconomyLine.objects.create(case=case, kind=kind, year=year + offset, amount=part)
    gain = -(amount // 3) if seq % 4 != 3 else 0
    if gain:
        for offset in (1, 2, 3):
            CaseEconomyLine.objects.create(case=case, kind=EconomyKind.GAIN,
                                           year=year + offset, amount=gain)
        CaseEconomyLine.objects.create(case=case, kind=EconomyKind.GAIN, year=None, amount=gain)
    allocation_request_set(actor=it_lead, case=case, channel=channel,
                           amounts={year: amount, year + 1: amount // 2})
    try:
        case_submit(actor=it_lead, case_pk=case.pk, comment="Klar til kvalificering.")
    except TransitionError:
        return None  # the intake is closed on the day the demo runs: leave the draft
    secretariat = User.objects.get(username="anne.jeppesen")
    case_qualify(
        actor=secretariat, case_pk=case.pk, comment="Kvalificeret til prioriteringen.",
        override_reason="" if cycle.is_phase_open(PhaseKind.QUALIFICATION) else WHY,
    )
    return case


def seed(*, today, log) -> None:
    cycle = BudgetCycle.objects.filter(budget_year=2027).first()
    if cycle is None:
        log("board: no Budget 2027 cycle; nothing seeded")
        return
    from financing.models import FinancingChannel

    secretariat = User.objects.get(username="anne.jeppesen")
    birgitte = User.objects.get(username="birgitte.hansen")
    henrik = _second_director()
    channels = {c.kind: c for c in FinancingChannel.objects.all()}
    with transaction.atomic():
        criteria = criteria_for(cycle)
        for criterion in criteria[:2]:
            if criterion.weight != 2:
                criterion_set(actor=secretariat, cycle=cycle, criterion=criterion,
                              name=criterion.name, weight=2, description=criterion.description)
        existing = set(InvestmentCase.objects.filter(cycle=cycle).values_list("title", flat=True))
        for seq, spec in enumerate(BOARD_CASES):
            if spec[0] not in existing:
                _write_case(cycle, spec, channels[spec[5]], spec[6], seq)
        board = board_sync(cycle=cycle)
        # The circle's meeting happens once: when none of this demo's cases was moved yet.
        first_time = not BoardMove.objects.filter(
            board=board, case__title__in=[spec[0] for spec in BOARD_CASES]
        ).exists()
        qualified = list(
            InvestmentCase.objects.filter(cycle=cycle, state=CaseState.QUALIFIED)
            .select_related("board_entry").order_by("board_entry__rank")
        )
        for director in (birgitte, henrik):
            scored = set(Score.objects.filter(director=director, case__in=qualified)
                         .values_list("case_id", flat=True))
            for position, case in enumerate(qualified):
                if case.pk in scored:
                    continue
                base = SCORES[director.username]
                override = DISAGREEMENT.get(case.title, {}).get(director.username, {})
                values = {
                    c.pk: (override.get(c.position, max(1, min(5, base[i] - position % 3 + 1))),
                           "Modenheden er usikker." if override.get(c.position) == 2 else "")
                    for i, c in enumerate(criteria_for(cycle))
                }
                scores_save(actor=director, case_pk=case.pk, values=values)
        if first_time and qualified:
            _shape_board(cycle, birgitte, henrik)
        if not PlanVersion.objects.filter(cycle=cycle).exists():
            _freeze_two_versions(cycle, secretariat, birgitte, channels)
    log(f"board: {len(qualified)} qualified cases on the board, "
        f"{PlanVersion.objects.filter(cycle=cycle).count()} plan versions")


def _version(cycle) -> int:
    return Board.objects.get(cycle=cycle).version


def _shape_board(cycle, birgitte, henrik) -> None:
    """The circle's meeting: a few moves, two marks against the rank, money above the line."""
    titles = {c.title: c for c in InvestmentCase.objects.filter(cycle=cycle,
                                                                 state=CaseState.QUALIFIED)}
    # Published cases keep the top of the board; the circle orders what follows them.
    top = (
        BoardEntry.objects.filter(cycle=cycle, published_in__isnull=True)
        .order_by("rank").values_list("rank", flat=True).first()
    ) or 1
    moves = [
        (birgitte, "Samlet identitets- og adgangsstyring (IAM)", top),
        (henrik, "Fælles chatbot til borgerhenvendelser", top + 1),
        (birgitte, "Genudbud af omsorgssystemet CURA", top + 2),
    ]
    for director, title, rank in moves:
        if title in titles:
            try:
                board_move(actor=director, case_pk=titles[title].pk, to_rank=rank,
                           version=_version(cycle))
            except ServiceError:
                pass
    if "Digital tilsynsplatform for daginstitutioner" in titles:
        board_recommend(
            actor=birgitte, case_pk=titles["Digital tilsynsplatform for daginstitutioner"].pk,
            recommendation="not_recommended",
            reason="Afventer den fælles tilsynsplatform, som ØKF udbyder i 2027.",
        )
    if "Booking af kultur- og idrætsfaciliteter" in titles:
        board_recommend(
            actor=henrik, case_pk=titles["Booking af kultur- og idrætsfaciliteter"].pk,
            recommendation="recommended",
            reason="Kan finansieres af forvaltningerne selv; anbefales trods placeringen.",
        )
    try:
        board_fund_above_line(actor=birgitte, cycle=cycle)
    except ServiceError:
        pass


def _freeze_two_versions(cycle, secretariat, director, channels) -> None:
    """Version 1 to the transfer case; a recommended amount changes; version 2 to the
    budget negotiations."""
    from financing.services import allocation_recommend_set

    try:
        plan_freeze(actor=secretariat, cycle=cycle, gate="transfer_case",
                    note="Første udgave til overførselssagen.")
    except ServiceError:
        return
    # Between the gates the circle finds room for a plan case that had no money
    # yet, in the year with the most left (a case no other demo area touches, so
    # that running the demo again changes nothing).
    from financing.selectors import channel_year_totals

    rows = sorted(channel_year_totals(cycle), key=lambda row: -row.remaining)
    for case in InvestmentCase.objects.filter(
        cycle=cycle, state__in=(CaseState.PRIORITISED, CaseState.FORWARDED)
    ).order_by("title"):
        taken = set(case.allocations.values_list("channel_id", "year"))
        room = next(
            (r for r in rows if r.remaining > 0 and (r.channel.pk, r.year) not in taken), None
        )
        if room is not None:
            allocation_recommend_set(
                actor=director, case=case, channel=room.channel,
                amounts={room.year: min(2_000_000, room.remaining)},
            )
            break
    plan_freeze(actor=secretariat, cycle=cycle, gate="budget_negotiations",
                note="Opdateret til budgetforhandlingerne.")
