"""Demo of the follow-up: two rounds with reports in all three colours, BIF's
strategy 2025–2027 with its targets and signature projects, and a case of KFF
that resembles one of BUF's ("fælles først").

Drives the real services; finds the base demo's objects by querying. Running it
again changes nothing.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from governance.followup import services
from governance.followup.models import FollowUpReport, FollowUpRound, Light, ReportStatus, Season
from governance.models import BudgetCycle
from kkdigital.lib.errors import ServiceError
from portfolio.models import Department, EconomyKind, InvestmentCase, User
from strategy.models import (
    DepartmentStrategy,
    Potential,
    Principle,
    SignatureProject,
    TargetKind,
    TargetMetric,
    Theme,
)

SECRETARIAT = "anne.jeppesen"
# (department code) → (who fills in, who submits)
REPORTERS = {
    "BIF": ("mette.holm", "jonas.kristensen"),
    "SUF": ("sofie.mikkelsen", "lars.andersen"),
    "TMF": ("nadia.olsen", "nadia.olsen"),
}
AI = "AI til resumé af samtaler med ledige borgere"
REHAB = "Digital genoptræning og telemedicin"
SENSORS = "Sensorer til affaldsindsamling"
BUILDING = "Digital byggesagsbehandling med 3D-modeller"

# Round → case → what the department reports (None: not submitted, so it is on
# the list of who has not reported). Relative to the case's baseline, so that
# the lights come out the same whether the money demo has granted the case or
# the baseline is its economy: cost = expected total / granted, delay = days
# after the approved date, spent = share of the year's grant, realised = share
# of the year's planned gains.
REPORTS = {
    (Season.MAY, 2027): {
        AI: dict(
            cost=0.95,
            delay=0,
            spent=0.3,
            realised=1.0,
            status="Udbud gennemført; leverandøren er i gang med første version.",
            milestones="Kontrakt underskrevet; pilot i to jobcentre planlagt.",
        ),
        REHAB: dict(
            cost=1.07,
            delay=0,
            spent=0.4,
            realised=1.0,
            status="Licenser og udstyr er dyrere end ventet.",
            risks="Prisstigninger på udstyr.",
        ),
        SENSORS: dict(
            cost=1.0,
            delay=152,
            spent=0.4,
            realised=1.0,
            status="Leverandøren er forsinket med sensorerne.",
            risks="Leverandørens leveringstid.",
            needs="Hjælp til dialog med leverandøren på tværs af forvaltninger.",
        ),
        BUILDING: dict(
            cost=1.2,
            delay=0,
            spent=0.5,
            realised=1.0,
            status="3D-modellerne kræver mere integration end budgetteret.",
            override=(
                "cost",
                Light.YELLOW,
                "Merudgiften dækkes af TMF's egen ramme, jf. direktionens beslutning.",
            ),
        ),
    },
    (Season.NOVEMBER, 2027): {
        AI: dict(
            cost=0.95,
            delay=59,
            spent=0.9,
            realised=0.6,
            status="Pilot i gang; udrulningen er skubbet to måneder.",
            milestones="Pilot i to jobcentre.",
            risks="Gevinsterne kommer senere end planlagt, fordi udrulningen er skubbet.",
        ),
        REHAB: None,
        SENSORS: dict(
            cost=1.0,
            delay=0,
            spent=0.95,
            realised=0.975,
            status="Sensorerne er leveret; indsamlingen er omlagt i to bydele.",
            milestones="Alle sensorer monteret.",
        ),
        BUILDING: dict(
            cost=1.22,
            delay=0,
            spent=0.9,
            realised=1.0,
            status="Integrationen er færdig; merudgiften står ved magt.",
            needs="Kredsens stillingtagen til finansieringen af merudgiften.",
        ),
    },
}
REBASELINE = dict(
    case=SENSORS,
    delay=152,  # the new date is the May report's expected date
    decided_on=datetime.date(2027, 9, 15),
    text="Økonomiudvalget godkendte en ny tidsplan, da leverandøren ikke kunne levere "
    "sensorerne til tiden (demo).",
)
SIMILAR_TITLE = "Digital pladsanvisning til fritidstilbud med automatisk tildeling"


def seed(*, today: datetime.date, log) -> None:
    cycle = BudgetCycle.objects.filter(budget_year=2027).first()
    secretariat = User.objects.filter(username=SECRETARIAT).first()
    if cycle is None or secretariat is None:
        log("area_40_followup: the base demo is missing; nothing done.")
        return
    with transaction.atomic():
        _rounds(secretariat, log)
        _bif_strategy(log)
    _similar_case(cycle, log)


def _case(title):
    return InvestmentCase.objects.filter(title=title).select_related("department").first()


def _rounds(secretariat, log) -> None:
    for index, ((season, year), plans) in enumerate(REPORTS.items()):
        round_ = FollowUpRound.objects.filter(year=year, season=season).first()
        if round_ is None:
            round_ = services.round_open(
                actor=secretariat,
                year=year,
                season=season,
                deadline=datetime.date(year, 5 if season == Season.MAY else 11, 20),
            )
            log(f"area_40_followup: opened {round_}.")
        if index == 1:
            _rebaseline(secretariat)
        for title, plan in plans.items():
            case = _case(title)
            report = FollowUpReport.objects.filter(round=round_, case=case).first()
            if report is None or plan is None or report.status == ReportStatus.SUBMITTED:
                continue
            _report(report, plan)


def _rebaseline(secretariat) -> None:
    case = _case(REBASELINE["case"])
    if case is None or case.followup_baselines.filter(source="rebaseline").exists():
        return
    current = case.followup_baselines.order_by("-created_at", "-pk").first()
    services.case_rebaseline(
        actor=secretariat,
        case=case,
        granted_by_year={int(y): v for y, v in current.granted_by_year.items()},
        completion_date=current.completion_date + datetime.timedelta(days=REBASELINE["delay"]),
        decided_on=REBASELINE["decided_on"],
        decision_text=REBASELINE["text"],
    )


def _report(report, plan) -> None:
    from governance.followup.evaluation import evaluate

    writer_name, submitter_name = REPORTERS[report.department.code]
    writer = User.objects.get(username=writer_name)
    submitter = User.objects.get(username=submitter_name)
    figures = evaluate(report)
    last_year = report.round.year
    years = {
        y.year: (
            round(y.granted * plan["spent"]) if y.year <= last_year else 0,
            round(y.planned * plan["realised"]) if y.covered else 0,
        )
        for y in figures.years
    }
    data = {
        "status_text": plan["status"],
        "expected_total_cost": round(figures.granted_total * plan["cost"]),
        "expected_completion": figures.approved_date + datetime.timedelta(days=plan["delay"]),
        "milestones": plan.get("milestones", ""),
        "risks": plan.get("risks", ""),
        "needs_from_circle": plan.get("needs", ""),
    }
    if "override" in plan:
        aspect, light, reason = plan["override"]
        data[f"{aspect}_override"], data[f"{aspect}_override_reason"] = light, reason
    report = services.report_save(
        actor=writer, report=report, data=data, years=years, version=report.version
    )
    services.report_submit(actor=submitter, report=report)


BIF_STRATEGY = dict(
    name="Digitaliseringsstrategi for BIF 2025–2027",
    starts_year=2025,
    ends_year=2027,
    approved_by="Beskæftigelses- og Integrationsudvalget",
    approved_on=datetime.date(2025, 6, 23),
    summary=(
        "Digitale løsninger til borgere og virksomheder, der kan og vil selv, så tiden bruges "
        "dér, hvor der er brug for den personlige kontakt. Strategien skal levere smarte "
        "effektiviseringer i lyset af beskæftigelsesreformen."
    ),
)
BIF_TARGETS = [
    dict(
        order=1,
        name="Overordnet tilfredshed med digitale løsninger blandt borgere og virksomheder",
        kind=TargetKind.ENTERED,
        unit="score",
        target_low=None,
        target_high=None,
        due_year=2027,
        description="Måles ved en pulsmåling blandt borgere og virksomheder (skala 1–5).",
    ),
    dict(
        order=2,
        name="Effektiviseringer som resultat af digitalisering",
        kind=TargetKind.REALISED_GAINS,
        unit="kroner",
        target_low=Decimal(45_000_000),
        target_high=Decimal(50_000_000),
        due_year=2030,
        description="45–50 mio. kr. i effektiviseringer frem til 2030.",
    ),
    dict(
        order=3,
        name="Grønne krav til nye digitale investeringer",
        kind=TargetKind.GREEN_SHARE,
        unit="percent",
        target_low=Decimal(80),
        target_high=None,
        due_year=2027,
        description="Grønne krav til 80 % af nye digitale investeringer.",
    ),
]
BIF_PROJECTS = [
    (
        1,
        "Fremtidens digitale jobunivers i Københavns Kommune",
        ["Fremtidens digitale jobunivers i Københavns Kommune", AI],
    ),
    (2, "Klargøring af digital infrastruktur", ["Klargøring af digital infrastruktur"]),
    (
        3,
        "Løft af BIFs digitale kompetencer og kultur",
        ["Løft af BIFs digitale kompetencer og kultur"],
    ),
]


def _upsert(model, lookup, values):
    obj = model.objects.filter(**lookup).first() or model(**lookup)
    if obj.pk and all(getattr(obj, k) == v for k, v in values.items()):
        return obj
    for k, v in values.items():
        setattr(obj, k, v)
    obj._change_reason = "Demodata"
    obj.full_clean()
    obj.save()
    return obj


def _bif_strategy(log) -> None:
    bif = Department.objects.filter(code="BIF").first()
    if bif is None:
        return
    strategy = _upsert(
        DepartmentStrategy,
        {"department": bif, "name": BIF_STRATEGY["name"]},
        {k: v for k, v in BIF_STRATEGY.items() if k != "name"},
    )
    for target in BIF_TARGETS:
        _upsert(
            TargetMetric,
            {"strategy": strategy, "order": target["order"]},
            {k: v for k, v in target.items() if k != "order"},
        )
    for number, name, titles in BIF_PROJECTS:
        project = _upsert(
            SignatureProject, {"strategy": strategy, "number": number}, {"name": name}
        )
        cases = list(InvestmentCase.objects.filter(department=bif, title__in=titles))
        missing = [c for c in cases if not project.cases.filter(pk=c.pk).exists()]
        if missing:
            project.cases.add(*missing)
    satisfaction = strategy.targets.get(order=1)
    round_ = FollowUpRound.objects.filter(year=2027, season=Season.NOVEMBER).first()
    if round_ and not satisfaction.entries.filter(round=round_).exists():
        services.target_entry_set(
            actor=User.objects.get(username="jonas.kristensen"),
            metric=satisfaction,
            round_=round_,
            value=Decimal("3.9"),
            source="Pulsmåling blandt borgere og virksomheder, oktober 2027 (demotal)",
        )
    log("area_40_followup: BIF's strategy 2025–2027 with targets and signature projects.")


def _similar_case(cycle, log) -> None:
    """KFF's case resembles BUF's "Digital pladsanvisning med automatisk tildeling"."""
    from governance.services.workflow import TransitionError, case_submit
    from portfolio.services import CaseData, case_create

    if InvestmentCase.objects.filter(title=SIMILAR_TITLE).exists():
        return
    author = User.objects.filter(username="kasper.winther").first()
    if author is None:
        return
    theme = Theme.objects.order_by("-strategy__starts_year", "number").first()
    principle = Principle.objects.order_by("number").first()
    potential = Potential.objects.order_by("number").first()
    data = CaseData(
        fields={
            "title": SIMILAR_TITLE,
            "summary": "Borgerne søger plads i fritidstilbud digitalt, og pladserne tildeles "
            "automatisk efter faste regler.",
            "background": "Pladsanvisningen til fritidstilbud sker i dag manuelt i hver klub.",
            "solution": "En digital pladsanvisning med automatisk tildeling.",
            "risk_level": "medium",
            "risk_text": "Reglerne for tildeling skal afklares med klubberne.",
            "contact_name": "Kasper Winther",
            "contact_email": "kasper.winther@kk.dk",
        },
        themes=[theme] if theme else [],
        potentials=[potential] if potential else [],
        principles={principle.pk: "Løsningen kan bygges sammen med BUF's pladsanvisning."}
        if principle
        else {},
        economy={(EconomyKind.INVESTMENT, 2027): 1_200_000, (EconomyKind.GAIN, 2028): -400_000},
    )
    case = case_create(actor=author, cycle=cycle, data=data)
    try:
        case_submit(actor=author, case_pk=case.pk)
    except (TransitionError, ServiceError) as error:
        log(f"area_40_followup: KFF's similar case stays a draft ({error}).")
    log("area_40_followup: KFF has a case like BUF's digital pladsanvisning.")
