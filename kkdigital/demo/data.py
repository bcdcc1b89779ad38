"""The demo data that ``manage.py seed_demo`` writes (``kkdigital.demo.seed``).

The strategy frame, principles, ambitions, potentials, departments and
financing channels are taken from the source papers (the KK strategy
2024–2027, the Economic Committee case of 12 August 2025 and BIF's strategy
2025–2027). The people, the channel capacities and the economy of the cases
are invented for the demo and marked as such where the app shows them.
"""

import datetime

from financing.models import ChannelKind
from governance.models import PhaseKind
from portfolio.models import CaseScope, CaseState, CaseType, EconomyKind, RiskLevel, Role

DEMO_PASSWORD = "kkdigital-demo"
BUDGET_YEAR = 2027
PRICE_YEAR = 2027

# ---------------------------------------------------------------- strategy

STRATEGY = {
    "name": "Digitaliseringsstrategi 2024–2027",
    "version": "1.0",
    "starts_year": 2024,
    "ends_year": 2027,
    "vision": "Digitalisering skaber et bedre københavnerliv",
    "approved_on": datetime.date(2024, 2, 1),  # Borgerrepræsentationen, 1 February 2024
}

# (number, name, headline, goal statements)
THEMES = [
    (
        1,
        "Arbejdskraft",
        "Københavns Kommune sikrer arbejdskraft til velfærd, og teknologianvendelse "
        "bidrager til at frigøre tid og fastholde medarbejdere",
        [
            "Opgaver, der kan løses af en sensor, en robot eller en computer skal "
            "automatiseres – hvis det giver værdi for borgere og virksomheder eller frigør "
            "tid til kerneopgaven for medarbejderne.",
            "Digital innovation og strategiske partnerskaber skal være med til at sikre "
            "arbejdskraft og udvikle opgaveløsningen til gavn for borgere, medarbejdere og "
            "virksomheder.",
            "Modne teknologier skal udbredes og skaleres, og eksisterende digitaliserings- "
            "og teknologiinvesteringer skal udnyttes bedre.",
        ],
    ),
    (
        2,
        "Brugervenlighed",
        "Københavns Kommune styrker fokus på brugervenlighed og sammenhæng og sikrer "
        "digital inklusion, så alle kan bruge kommunens løsninger",
        [
            "Der skal være fokus på digital inklusion af de borgere som har svært ved at "
            "betjene sig digitalt.",
            "Data og teknologi - og et styrket kendskab til københavnernes behov og adfærd - "
            "skal skabe sammenhængende brugeroplevelser, og digitale løsninger skal være "
            "enkle og intuitive at benytte.",
            "Digitale løsninger skal skabe værdi for ledere og medarbejdere ved at "
            "understøtte deres faglighed og arbejdsgange.",
        ],
    ),
    (
        3,
        "Klima",
        "Københavns Kommune styrker klimaindsatsen og gør København mere bæredygtig med "
        "øget brug af data og teknologi",
        [
            "Øget brug af teknologi og data skal understøtte mål og indsatser i "
            "Klimaplan 2035.",
            "Digitalisering skal sætte turbo under de grønne potentialer på bygnings-, "
            "indkøbs- og affaldsområdet, og vi skal blive bedre til at genbruge kommunens "
            "indkøbte it-hardware.",
            "Partnerskaber med offentlige og private aktører skal bidrage til digital "
            "innovation mhp. at reducere kommunens CO₂-udledning og energiforbrug.",
        ],
    ),
    (
        4,
        "Kompetencer",
        "Københavns Kommune sætter fokus på den gode digitale arbejdsdag og løfter de "
        "digitale kompetencer i hele organisationen",
        [
            "Medarbejderne skal tilbydes systematisk, fleksibel og differentieret digital "
            "kompetenceudvikling i tæt samspil med deres primære fagområde.",
            "Ledere har en nøglerolle ift. at understøtte medarbejderne i den digitale "
            "arbejdsdag, og de skal derfor også selv understøttes i at bedrive ledelse i "
            "en digital tid.",
        ],
    ),
    (
        5,
        "Data",
        "Københavns Kommune styrker arbejdet med data, så kommunens data kan anvendes "
        "aktivt til at fremme opgaveløsningen",
        [
            "Data skal indsamles og anvendes målrettet ud fra konkrete prioriterede behov "
            "og med øje for, hvordan københavnernes og klimaet får gavn af indsatsen.",
            "Dataindsamling og -registrering skal understøtte medarbejdernes kerneopgave og "
            "ikke tage unødigt tid fra den.",
            "Det fælles datafundament i kommunen skal styrkes, så vi kan udnytte "
            "mulighederne ved at arbejde dataunderstøttet.",
        ],
    ),
    (
        6,
        "Styring",
        "Københavns Kommune styrker kommunens digitale fundament, så der sikres en "
        "effektiv og sikker styring af it-drift og it-projekter",
        [
            "Der skal være et robust digitalt fundament under kommunens it-løsninger.",
            "It-sikkerhed har høj prioritet, og behovet for at højne sikkerheden skal "
            "vurderes løbende.",
            "Styringen af it-området skal være effektiv, enkel og balanceret, og der skal "
            "være fokus på at styre endnu bedre på områder med høj risiko.",
        ],
    ),
]

# (number, name, description): Økonomiudvalget, 12 August 2025.
PRINCIPLES = [
    (
        1,
        "Værdi ved at investere ”fælles først”",
        "Det skal være værdiskabende (og opleves som sådan) at udvikle og investere sammen "
        "frem for hver for sig.",
    ),
    (
        2,
        "Færrest mulige it-systemer og flere fælles platforme",
        "Der er mange omkostninger, udover anskaffelsessum og licenser, forbundet med at "
        "anskaffe og drifte et it-system. Fx opgaver med compliance og dokumentation samt "
        "den tekniske idriftsættelse.",
    ),
    (
        3,
        "It-udvikling skal understøtte kerneopgaven tæt på driften",
        "Et styrket fælles digitalt fundament skal muliggøre digital udvikling, der tager "
        "afsæt i specifikke forretningsbehov i den enkelte forvaltning og er tilpasset "
        "kerneopgaven.",
    ),
]

# The paper names the three ambitions of the vision paper without further text.
AMBITIONS = [
    (1, "Altid borgernes og brugernes behov i centrum", ""),
    (2, "Danmarks bedste digitale offentlige arbejdsplads", ""),
    (3, "Danmarks bedste digitale fundament", ""),
]

# The four potentials the content of the transition plan must have.
POTENTIALS = [
    (1, "Tilgængelighed og brugervenlighed for borgere/virksomheder", ""),
    (
        2,
        "Aflaste den daglige drift ved at transformere arbejdstid fra administration (fx "
        "dokumentationsopgaver, tilsynsopgaver o.l.) til borgervendt arbejdstid",
        "",
    ),
    (3, "Forenkling og effektivisering af kommunens administration", ""),
    (4, "Skalering af teknologi", ""),
]

# ------------------------------------------------------------- departments

# (code, name, budget note prefix)
DEPARTMENTS = [
    ("OKF", "Økonomiforvaltningen", "ØK"),
    ("KFF", "Kultur- og Fritidsforvaltningen", "KF"),
    ("BUF", "Børne- og Ungdomsforvaltningen", "BU"),
    ("SUF", "Sundheds- og Omsorgsforvaltningen", "SU"),
    ("SOF", "Socialforvaltningen", "SO"),
    ("TMF", "Teknik- og Miljøforvaltningen", "TM"),
    ("BIF", "Beskæftigelses- og Integrationsforvaltningen", "BI"),
]

# -------------------------------------------------------------- financing

CHANNELS = [
    {
        "kind": ChannelKind.FRAME,
        "name": "Flerårig ramme til fælles investeringer",
        "description": (
            "En flerårig politisk afsat ramme til nødvendige og fælles investeringer i et "
            "konsolideret, robust og sikkert digitalt fundament under kommunens drift og "
            "udvikling, der understøtter de politiske ambitioner på det digitale område."
        ),
        "criteria": (
            "Nødvendige og fælles investeringer i den tværgående udviklings- og "
            "omstillingsplan: ny teknologi, digitale løsninger og platforme samt omstilling "
            "af processer og kompetencer. Investeringen skal understøtte de politiske "
            "ambitioner på det digitale område og et konsolideret, robust og sikkert "
            "digitalt fundament."
        ),
    },
    {
        "kind": ChannelKind.LOAN,
        "name": "Interne lån til genudbud",
        "description": (
            "En tydeliggørelse og justering af mulighederne for interne lån, som skal "
            "understøtte engangsudgifter til genudbud (både tværgående og "
            "forvaltningsspecifikke)."
        ),
        "criteria": (
            "Engangsudgifter til genudbud af it-kontrakter, både tværgående og "
            "forvaltningsspecifikke."
        ),
    },
    {
        "kind": ChannelKind.POOL,
        "name": "Investerings- og innovationspuljen",
        "description": (
            "Justering af investerings- og innovationspuljen samt kriterierne knyttet "
            "hertil."
        ),
        "criteria": (
            "Investeringer, der kan skabe grundlaget for effektiviseringer på den længere "
            "bane. Forvaltningerne kan fortsat udarbejde forvaltningsspecifikke "
            "investerings- og innovationscases på det digitale område."
        ),
    },
]

# Demo capacities in whole kroner per year, 2027 p/l. Invented for the demo.
CAPACITY_NOTE = "Demotal"
CAPACITIES = {
    ChannelKind.FRAME: {2027: 60_000_000, 2028: 60_000_000, 2029: 50_000_000, 2030: 50_000_000},
    ChannelKind.LOAN: {2027: 40_000_000, 2028: 35_000_000, 2029: 30_000_000, 2030: 30_000_000},
    ChannelKind.POOL: {2027: 25_000_000, 2028: 25_000_000, 2029: 25_000_000, 2030: 25_000_000},
}

# ------------------------------------------------------------------ cycle

# Demo phase windows for "Budget 2027", in days from the day the seed runs:
# the intake is open today and the later phases follow one after the other,
# so every step of the process can be played in the demo. The real default
# windows (January–September of the year before) are in
# governance.models.default_phase_windows.
DEMO_PHASE_OFFSETS = [
    (PhaseKind.INTAKE, -21, 30),
    (PhaseKind.QUALIFICATION, 31, 60),
    (PhaseKind.PRIORITISATION, 61, 75),
    (PhaseKind.TRANSFER_CASE, 76, 105),
    (PhaseKind.BUDGET_NEGOTIATIONS, 106, 165),
]

# The follow-ups are what their names say: May and November of the budget year,
# as in the annual cycle (not days from today).
FOLLOW_UP_WINDOWS = [
    (PhaseKind.FOLLOW_UP_MAY, datetime.date(BUDGET_YEAR, 5, 1), datetime.date(BUDGET_YEAR, 5, 31)),
    (
        PhaseKind.FOLLOW_UP_NOVEMBER,
        datetime.date(BUDGET_YEAR, 11, 1),
        datetime.date(BUDGET_YEAR, 11, 30),
    ),
]

# The phases as they were dated while the demo's story happened, in days from the
# day the seed runs (the follow-ups as above). The seed drives the services on a
# fixed clock through this schedule, so that each step is taken in its phase:
# the cases of the first round were submitted, qualified and assessed, the
# prioritisation published, the cases forwarded and decided by the Economic
# Committee; the qualification stayed open after the publication for the cases
# that came later. Then the secretariat moved the phases to ``demo_phase_windows``
# of the day, so that a new case can be played through (the phase history and the
# audit log show that move).
STORY_PHASE_OFFSETS = [
    (PhaseKind.INTAKE, -100, 30),
    (PhaseKind.QUALIFICATION, -80, -40),
    (PhaseKind.PRIORITISATION, -60, -46),
    (PhaseKind.TRANSFER_CASE, -45, -31),
    (PhaseKind.BUDGET_NEGOTIATIONS, -30, -1),
]


# The steps after the intake, which must all end before the budget year begins.
STEPS_AFTER_INTAKE = [
    PhaseKind.QUALIFICATION,
    PhaseKind.PRIORITISATION,
    PhaseKind.TRANSFER_CASE,
    PhaseKind.BUDGET_NEGOTIATIONS,
]


def demo_phase_windows(today: datetime.date) -> list[tuple[str, datetime.date, datetime.date]]:
    """The demo's phases as (kind, first day, last day), relative to ``today``.

    The secretariat's cycle page saves only a schedule whose budget negotiations
    end before the budget year (``phase_schedule_problems``), and the secretariat
    moves the phases there to play a case through. So when the offsets would run
    into the budget year, the intake ends in time and the steps after it share
    the days left before the budget year, one after the other. On a day too late
    for that (the last four days of the year before, or the budget year itself)
    the offsets stand, and the secretariat acts outside the phases with a reason.
    """
    day = datetime.timedelta(days=1)
    windows = {
        kind: (today + start * day, today + end * day) for kind, start, end in DEMO_PHASE_OFFSETS
    }
    steps = len(STEPS_AFTER_INTAKE)
    last_day = datetime.date(BUDGET_YEAR - 1, 12, 31)
    if windows[PhaseKind.BUDGET_NEGOTIATIONS][1] > last_day and today + steps * day <= last_day:
        intake_starts, intake_ends = windows[PhaseKind.INTAKE]
        intake_ends = min(intake_ends, last_day - steps * day)
        windows[PhaseKind.INTAKE] = (intake_starts, intake_ends)
        days_left = (last_day - intake_ends).days
        for index, kind in enumerate(STEPS_AFTER_INTAKE):
            first = index * days_left // steps + 1
            last = (index + 1) * days_left // steps
            windows[kind] = (intake_ends + first * day, intake_ends + last * day)
    return [
        *((kind, *windows[kind]) for kind, _start, _end in DEMO_PHASE_OFFSETS),
        *FOLLOW_UP_WINDOWS,
    ]


def story_phase_windows(today: datetime.date) -> list[tuple[str, datetime.date, datetime.date]]:
    """The phases while the demo's story happened (see ``STORY_PHASE_OFFSETS``)."""
    day = datetime.timedelta(days=1)
    return [
        *(
            (kind, today + start * day, today + end * day)
            for kind, start, end in STORY_PHASE_OFFSETS
        ),
        *FOLLOW_UP_WINDOWS,
    ]


# ------------------------------------------------------------------ people

# One user per role; department users in BIF, SUF and ØKF, and an IT lead in
# each of the other departments so that every case's timeline names someone
# from its own department.
USERS = [
    ("mette.holm", "Mette", "Holm", "BIF", Role.DEPARTMENT_STAFF),
    ("jonas.kristensen", "Jonas", "Kristensen", "BIF", Role.DEPARTMENT_IT_LEAD),
    ("sofie.mikkelsen", "Sofie", "Mikkelsen", "SUF", Role.DEPARTMENT_STAFF),
    ("lars.andersen", "Lars", "Andersen", "SUF", Role.DEPARTMENT_IT_LEAD),
    ("ida.poulsen", "Ida", "Poulsen", "OKF", Role.DEPARTMENT_STAFF),
    ("mikkel.sorensen", "Mikkel", "Sørensen", "OKF", Role.DEPARTMENT_IT_LEAD),
    ("birgitte.hansen", "Birgitte", "Hansen", None, Role.IT_DIRECTORS),
    ("anne.jeppesen", "Anne", "Jeppesen", "OKF", Role.SECRETARIAT),
    ("peter.rasmussen", "Peter", "Rasmussen", None, Role.COMMITTEE_READER),
    ("camilla.berg", "Camilla", "Berg", "BUF", Role.DEPARTMENT_IT_LEAD),
    ("rasmus.thomsen", "Rasmus", "Thomsen", "SOF", Role.DEPARTMENT_IT_LEAD),
    ("nadia.olsen", "Nadia", "Olsen", "TMF", Role.DEPARTMENT_IT_LEAD),
    ("kasper.winther", "Kasper", "Winther", "KFF", Role.DEPARTMENT_IT_LEAD),
]


def email_for(username: str) -> str:
    return f"{username}@kk.dk"


# ------------------------------------------------------------------- cases

# What each state's transition says on the timeline, unless a case says more.
DEFAULT_COMMENTS = {
    CaseState.SUBMITTED: "Indsendt til Økonomiforvaltningen.",
    CaseState.RETURNED: "Sendt tilbage til forvaltningen med bemærkninger.",
    CaseState.QUALIFIED: "Kvalificeret: casen er fuldt beskrevet og klar til prioritering.",
    CaseState.PRIORITISED: "Anbefalet af kredsen af it-ansvarlige direktører.",
    CaseState.NOT_RECOMMENDED: "Ikke anbefalet af kredsen af it-ansvarlige direktører.",
    CaseState.FORWARDED: (
        "Videresendt til Økonomiudvalget som del af den tværgående udviklings- og "
        "omstillingsplan."
    ),
    # The decision texts: a decision's transition says what ØU decided.
    CaseState.APPROVED: "Indstillingen blev godkendt uden afstemning.",
    CaseState.REJECTED: "Forslaget blev forkastet.",
    CaseState.DEFERRED: "Forslaget blev udskudt til næste års budgetforhandlinger.",
    CaseState.IN_PROGRESS: "Projektet er igangsat.",
    CaseState.COMPLETED: "Projektet er afsluttet og overdraget til drift.",
    CaseState.WITHDRAWN: "Trukket tilbage af forvaltningen.",
}

# The Economic Committee's meetings of Budget 2027. The decided cases were
# decided at the first, held DECIDED_MEETING_DAYS_AGO days before the seed
# runs; the forwarded cases are on the agenda of the second, held during the
# demo's budget negotiations (see ``agenda_meeting_date``).
DECIDED_MEETING_TITLE = "Økonomiudvalgets møde — Budgetforhandlinger 2027"
AGENDA_MEETING_TITLE = "Økonomiudvalgets møde — Budgetforhandlinger 2027, 2. behandling"
DECIDED_MEETING_DAYS_AGO = 14
# The cases went before the committee this many days before the meeting.
FORWARDED_DAYS_BEFORE_MEETING = 4


def agenda_meeting_date(windows) -> datetime.date:
    """A week into the budget negotiations of ``demo_phase_windows``, or halfway
    through them when they are shorter than a fortnight."""
    for kind, starts_on, ends_on in windows:
        if kind == PhaseKind.BUDGET_NEGOTIATIONS:
            return starts_on + min(datetime.timedelta(days=7), (ends_on - starts_on) // 2)
    raise ValueError("The demo phases have no budget negotiations.")


# Who moves a case into a state: the owning department's IT lead or the
# secretariat (who publishes the IT directors' prioritisation).
ACTOR_FOR_STATE = {
    CaseState.SUBMITTED: Role.DEPARTMENT_IT_LEAD,
    CaseState.WITHDRAWN: Role.DEPARTMENT_IT_LEAD,
    CaseState.IN_PROGRESS: Role.DEPARTMENT_IT_LEAD,
    CaseState.COMPLETED: Role.DEPARTMENT_IT_LEAD,
    CaseState.RETURNED: Role.SECRETARIAT,
    CaseState.QUALIFIED: Role.SECRETARIAT,
    CaseState.FORWARDED: Role.SECRETARIAT,
    CaseState.APPROVED: Role.SECRETARIAT,
    CaseState.REJECTED: Role.SECRETARIAT,
    CaseState.DEFERRED: Role.SECRETARIAT,
    CaseState.PRIORITISED: Role.SECRETARIAT,
    CaseState.NOT_RECOMMENDED: Role.SECRETARIAT,
}

# The IT directors' reason on the demo's assessments of the qualified cases.
DEMO_ASSESSMENT_REASON = "Sagen understøtter strategien og har en klar gevinst."

_S = CaseState
# The states a case passed through on its way from draft to where it is.
STATE_PATHS = {
    _S.DRAFT: [],
    _S.SUBMITTED: [_S.SUBMITTED],
    _S.RETURNED: [_S.SUBMITTED, _S.RETURNED],
    _S.QUALIFIED: [_S.SUBMITTED, _S.QUALIFIED],
    _S.PRIORITISED: [_S.SUBMITTED, _S.QUALIFIED, _S.PRIORITISED],
    _S.NOT_RECOMMENDED: [_S.SUBMITTED, _S.QUALIFIED, _S.NOT_RECOMMENDED],
    _S.FORWARDED: [_S.SUBMITTED, _S.QUALIFIED, _S.PRIORITISED, _S.FORWARDED],
    _S.APPROVED: [_S.SUBMITTED, _S.QUALIFIED, _S.PRIORITISED, _S.FORWARDED, _S.APPROVED],
    _S.REJECTED: [_S.SUBMITTED, _S.QUALIFIED, _S.PRIORITISED, _S.FORWARDED, _S.REJECTED],
    _S.DEFERRED: [_S.SUBMITTED, _S.QUALIFIED, _S.PRIORITISED, _S.FORWARDED, _S.DEFERRED],
    _S.IN_PROGRESS: [
        _S.SUBMITTED, _S.QUALIFIED, _S.PRIORITISED, _S.FORWARDED, _S.APPROVED, _S.IN_PROGRESS
    ],
    _S.COMPLETED: [
        _S.SUBMITTED, _S.QUALIFIED, _S.PRIORITISED, _S.FORWARDED, _S.APPROVED, _S.IN_PROGRESS,
        _S.COMPLETED,
    ],
    _S.WITHDRAWN: [_S.SUBMITTED, _S.WITHDRAWN],
}


def state_path(state: str, returned_once: bool = False) -> list[str]:
    """From draft to ``state``; a case that was returned once went round again."""
    path = [CaseState.DRAFT, *STATE_PATHS[state]]
    if returned_once and state not in (CaseState.DRAFT, CaseState.RETURNED):
        path[2:2] = [CaseState.RETURNED, CaseState.SUBMITTED]
    return path


def economy(**rows: tuple[int, int, int, int, int]) -> dict[str, tuple]:
    """Economy rows by kind: amounts for 2027, 2028, 2029, 2030 and the permanent effect.

    Whole kroner in 2027 p/l; gains are negative.
    """
    return rows


# The economy keys are EconomyKind values.
assert {"investment", "operating", "retender", "gain"} == set(EconomyKind.values)
ALL_OTHERS = ["KFF", "BUF", "SUF", "SOF", "TMF", "BIF"]

CASES = [
    # ---- cross-cutting cases named after real KK proposals
    {
        "title": "Nyt fælles tidsregistreringssystem",
        "department": "OKF",
        "participants": ALL_OTHERS,
        "scope": CaseScope.CROSS_CUTTING,
        "case_type": CaseType.DIGITAL_SOLUTION,
        "state": CaseState.FORWARDED,
        "summary": (
            "Et fælles system til tidsregistrering, fravær og vagtplanlægning, der "
            "erstatter forvaltningernes egne løsninger."
        ),
        "background": (
            "Forvaltningerne bruger i dag fire forskellige systemer til tidsregistrering og "
            "fravær. Det giver dobbeltregistrering, manuelle overførsler til lønsystemet og "
            "høje samlede licens- og driftsudgifter. Flere af kontrakterne udløber i 2028."
        ),
        "solution": (
            "Et fælles standardsystem anskaffes og implementeres forvaltning for "
            "forvaltning med integration til løn- og personalesystemet. Ledere registrerer "
            "sygdom og godkender tid med få klik, også fra mobilen."
        ),
        "contact": ("Ida Poulsen", "ida.poulsen@kk.dk"),
        "risk_level": RiskLevel.MEDIUM,
        "risk_text": (
            "Implementeringen berører alle medarbejdere; forsinkelse i en forvaltning kan "
            "forsinke udfasningen af de gamle systemer."
        ),
        "dependencies": "Integration til løn- og personalesystemet (KMD Opus).",
        "green_requirements": True,
        "green_text": "Krav om hosting med dokumenteret energiforbrug og genbrug af hardware.",
        "themes": [1, 2, 6],
        "principles": {
            1: "Ét system for hele kommunen frem for fire forvaltningsspecifikke løsninger.",
            2: "Fire systemer udfases og erstattes af én fælles platform.",
        },
        "potentials": [2, 3],
        "economy": economy(
            investment=(8_500_000, 6_000_000, 0, 0, 0),
            operating=(1_200_000, 2_400_000, 2_400_000, 2_400_000, 2_400_000),
            gain=(0, -3_000_000, -6_500_000, -7_000_000, -7_000_000),
        ),
        "comments": {
            CaseState.PRIORITISED: "Anbefalet som nr. 1: fælles først og færre systemer.",
        },
    },
    {
        "title": "AI i sagsbehandlingen på løn- og personaleområdet",
        "department": "OKF",
        "participants": ["BUF", "SUF", "SOF"],
        "scope": CaseScope.CROSS_CUTTING,
        "case_type": CaseType.NEW_TECHNOLOGY,
        "state": CaseState.PRIORITISED,
        "summary": (
            "Kunstig intelligens hjælper HR-medarbejdere med at besvare henvendelser og "
            "forberede sager om løn, ansættelse og fravær."
        ),
        "background": (
            "Løn- og personaleområdet modtager mange ensartede henvendelser. "
            "Sagsbehandlerne bruger meget tid på at finde regler og overenskomster frem, "
            "og svartiderne er lange i perioder med høj belastning."
        ),
        "solution": (
            "En sprogmodel, der kører i kommunens egen sikre platform, foreslår svar og "
            "udkast med henvisning til de relevante regler. Sagsbehandleren godkender altid "
            "svaret. Der startes i tre forvaltninger og skaleres derefter."
        ),
        "contact": ("Mikkel Sørensen", "mikkel.sorensen@kk.dk"),
        "risk_level": RiskLevel.HIGH,
        "risk_text": (
            "Behandling af personoplysninger kræver konsekvensanalyse (DPIA); modellens "
            "svar skal kvalitetssikres, før den tages i brug bredt."
        ),
        "dependencies": "Kommunens fælles AI-platform og datasikkerhedsgodkendelse.",
        "green_requirements": False,
        "themes": [1, 4, 5],
        "principles": {
            1: "Løsningen bygges én gang og bruges af alle forvaltningers HR-funktioner.",
            3: "Udviklet sammen med sagsbehandlerne og målt på tid frigjort til kerneopgaven.",
        },
        "potentials": [2, 3, 4],
        "economy": economy(
            investment=(4_000_000, 2_000_000, 0, 0, 0),
            operating=(800_000, 1_200_000, 1_200_000, 1_200_000, 1_200_000),
            gain=(0, -1_500_000, -3_500_000, -4_000_000, -4_000_000),
        ),
        "comments": {
            CaseState.PRIORITISED: "Anbefalet som nr. 2 under forudsætning af en DPIA.",
        },
    },
    {
        "title": "Videreudvikling af KEJD Dataportal",
        "department": "OKF",
        "participants": ["TMF", "BUF", "KFF"],
        "scope": CaseScope.CROSS_CUTTING,
        "case_type": CaseType.PLATFORM,
        "state": CaseState.QUALIFIED,
        "summary": (
            "Dataportalen for kommunens ejendomme udvides med energi-, indeklima- og "
            "belægningsdata, som alle forvaltninger kan bruge."
        ),
        "background": (
            "Københavns Ejendomme og Indkøb har data om bygninger, energiforbrug og "
            "vedligehold, men data ligger i flere systemer og bruges kun delvist af de "
            "forvaltninger, der driver bygningerne."
        ),
        "solution": (
            "Portalen samler data fra måler- og bygningssystemer i en fælles datamodel og "
            "giver forvaltningerne rapporter til energistyring og planlægning af "
            "vedligehold."
        ),
        "contact": ("Ida Poulsen", "ida.poulsen@kk.dk"),
        "risk_level": RiskLevel.LOW,
        "risk_text": "Datakvaliteten i ældre målere kan være utilstrækkelig.",
        "dependencies": "Adgang til data fra forsyningsselskabernes målere.",
        "green_requirements": True,
        "green_text": "Understøtter Klimaplan 2035 gennem lavere energiforbrug i bygninger.",
        "themes": [3, 5],
        "principles": {
            1: "Én fælles dataportal i stedet for lokale regneark i hver forvaltning.",
            2: "Bygger videre på en eksisterende platform frem for at anskaffe en ny.",
        },
        "potentials": [3, 4],
        "economy": economy(
            investment=(3_000_000, 1_500_000, 0, 0, 0),
            operating=(400_000, 600_000, 600_000, 600_000, 600_000),
            gain=(0, -800_000, -1_600_000, -1_600_000, -1_600_000),
        ),
    },
    {
        "title": "Fremtidens netværksdækning",
        "department": "OKF",
        "participants": ALL_OTHERS,
        "scope": CaseScope.CROSS_CUTTING,
        "case_type": CaseType.PLATFORM,
        "state": CaseState.SUBMITTED,
        "summary": (
            "Trådløst netværk med stabil dækning på alle kommunens lokationer, også "
            "plejecentre, skoler og idrætsanlæg."
        ),
        "background": (
            "Mange medarbejdere arbejder mobilt, men dækningen er ujævn, og dele af "
            "netværksudstyret er udtjent. Fra 2027 overtager de kommunale "
            "it-servicecentre driften af netværksområdet."
        ),
        "solution": (
            "Netværket moderniseres efter en fælles standard, så driften kan overdrages "
            "til it-servicecentret, og medarbejdere og borgere har dækning, hvor de er."
        ),
        "contact": ("Mikkel Sørensen", "mikkel.sorensen@kk.dk"),
        "risk_level": RiskLevel.HIGH,
        "risk_text": (
            "Etableringen af de kommunale it-servicecentre (ØA26) kan ændre ansvar og "
            "tidsplan for netværksdriften."
        ),
        "dependencies": "De kommunale it-servicecentre (ØA26) overtager netværksdriften.",
        "depends_on_it_service_centres": True,
        "green_requirements": True,
        "green_text": "Energieffektivt udstyr og returordning for udtjent netværksudstyr.",
        "themes": [1, 6],
        "principles": {
            1: "Én fælles netværksstandard for alle lokationer.",
            2: "Færre netværksløsninger og leverandører.",
        },
        "potentials": [1, 4],
        "economy": economy(
            investment=(12_000_000, 10_000_000, 6_000_000, 0, 0),
            operating=(500_000, 1_500_000, 2_000_000, 2_000_000, 2_000_000),
        ),
    },
    # ---- BIF's three signature projects (BIF digitalisation strategy 2025–2027)
    {
        "title": "Fremtidens digitale jobunivers i Københavns Kommune",
        "department": "BIF",
        "participants": [],
        "scope": CaseScope.DEPARTMENT,
        "case_type": CaseType.DIGITAL_SOLUTION,
        "state": CaseState.SUBMITTED,
        "summary": (
            "En samlet digital indgang til beskæftigelsesindsatsen, hvor ledige borgere og "
            "virksomheder, der kan og vil selv, kan betjene sig digitalt."
        ),
        "background": (
            "Borgere og virksomheder har i dag kun få muligheder for selvbetjening i BIF, "
            "og der bruges mange ressourcer på administrative opgaver. Beskæftigelses"
            "reformen giver borgerne mere frihed og fleksibilitet og åbner for øget brug af "
            "digitale værktøjer."
        ),
        "solution": (
            "Med afsæt i analysen af digital jobformidling fra OFS 24/25 bygges en samlet "
            "digital indgang med selvbetjening og jobformidling. Frigjort tid bruges på "
            "borgere, der har brug for mere personlig støtte."
        ),
        "contact": ("Mette Holm", "mette.holm@kk.dk"),
        "risk_level": RiskLevel.MEDIUM,
        "risk_text": "Reformens detaljerede regler er endnu ikke fastlagt.",
        "dependencies": "Nationale løsninger fra STAR (Jobnet) og reformens ikrafttræden.",
        "green_requirements": True,
        "green_text": "Grønne krav i udbuddet, jf. BIF's mål om grønne krav til 80 %.",
        "themes": [1, 2],
        "principles": {
            3: "Udvikles med jobcentrenes medarbejdere og tilpasset beskæftigelsesindsatsen.",
        },
        "potentials": [1, 2],
        "economy": economy(
            investment=(5_000_000, 4_000_000, 1_000_000, 0, 0),
            operating=(0, 1_000_000, 1_500_000, 1_500_000, 1_500_000),
            gain=(0, -2_000_000, -5_000_000, -8_000_000, -8_000_000),
        ),
    },
    {
        "title": "Klargøring af digital infrastruktur",
        "department": "BIF",
        "participants": [],
        "scope": CaseScope.DEPARTMENT,
        "case_type": CaseType.PLATFORM,
        "state": CaseState.DRAFT,
        "summary": (
            "BIF's fragmenterede it-landskab konsolideres, så data kan deles effektivt med "
            "borgere, virksomheder og medarbejdere."
        ),
        "background": (
            "Mange års komplekse lovkrav har ført til en fragmenteret it-arkitektur. Hver "
            "løsning har løst sin opgave, men der mangler sammenhæng og udnyttelse på tværs "
            "af systemerne."
        ),
        "solution": (
            "Eksisterende systemer konsolideres, og der skabes en enkel system- og "
            "datainfrastruktur med bedre struktur, overblik og registreringspraksis, som "
            "også er forudsætningen for at bruge kunstig intelligens meningsfuldt."
        ),
        "contact": ("Jonas Kristensen", "jonas.kristensen@kk.dk"),
        "risk_level": RiskLevel.MEDIUM,
        "risk_text": "Udfasning af systemer kræver omlægning af arbejdsgange i jobcentrene.",
        "dependencies": "Kommunens fælles integrationsplatform.",
        "green_requirements": False,
        "themes": [5, 6],
        "principles": {
            2: "Antallet af systemer i BIF reduceres gennem konsolidering.",
        },
        "potentials": [3],
        "economy": economy(
            investment=(3_000_000, 2_500_000, 0, 0, 0),
            gain=(0, -500_000, -1_500_000, -2_000_000, -2_000_000),
        ),
    },
    {
        "title": "Løft af BIFs digitale kompetencer og kultur",
        "department": "BIF",
        "participants": [],
        "scope": CaseScope.DEPARTMENT,
        "case_type": CaseType.TRANSITION,
        "state": CaseState.RETURNED,
        "summary": (
            "Digital opkvalificering af ledere og medarbejdere i hele BIF gennem hele "
            "strategiperioden."
        ),
        "background": (
            "Den digitale forestillingsevne i BIF er generelt lav, og det gør det sværere at "
            "udvikle og implementere digitale løsninger effektivt. Efterspørgslen på "
            "digitale kompetencer har aldrig været større."
        ),
        "solution": (
            "Forløb for ledere og medarbejdere tilrettelagt efter den digitale pulsmåling, "
            "digitale ambassadører i alle centre og læring koblet til implementering af nye "
            "systemer."
        ),
        "contact": ("Mette Holm", "mette.holm@kk.dk"),
        "risk_level": RiskLevel.LOW,
        "risk_text": "Travlhed i jobcentrene kan gøre det svært at frigøre tid til forløbene.",
        "dependencies": "",
        "green_requirements": False,
        "themes": [4],
        "principles": {
            3: "Forløbene tager afsæt i medarbejdernes daglige opgaver i jobcentrene.",
        },
        "potentials": [2],
        "economy": economy(
            investment=(1_500_000, 1_500_000, 1_000_000, 0, 0),
        ),
        "comments": {
            CaseState.RETURNED: (
                "Beskriv venligst de forventede gevinster og hvordan de måles; casen "
                "mangler gevinstrækker."
            ),
        },
    },
    {
        "title": "AI til resumé af samtaler med ledige borgere",
        "department": "BIF",
        "participants": [],
        "scope": CaseScope.DEPARTMENT,
        "case_type": CaseType.NEW_TECHNOLOGY,
        "state": CaseState.APPROVED,
        "summary": (
            "Kunstig intelligens skriver udkast til resumé af jobsamtaler, så "
            "jobkonsulenterne bruger mindre tid på dokumentation."
        ),
        "background": (
            "Jobkonsulenterne bruger en stor del af deres tid på at dokumentere samtaler. "
            "Reformen kræver færre hænder og en mere borgermålrettet indsats."
        ),
        "solution": (
            "Med borgerens samtykke optages samtalen, og en sprogmodel skriver et udkast til "
            "resumé, som konsulenten retter og godkender i fagsystemet."
        ),
        "contact": ("Jonas Kristensen", "jonas.kristensen@kk.dk"),
        "risk_level": RiskLevel.MEDIUM,
        "risk_text": "Borgernes tillid og samtykke; krav til behandling af lydoptagelser.",
        "dependencies": "Kommunens fælles AI-platform.",
        "green_requirements": False,
        "themes": [1, 5],
        "principles": {
            3: "Tæt på kerneopgaven: frigør tid til samtalen med borgeren.",
            1: "Løsningen kan genbruges af andre forvaltninger med samtaler og notater.",
        },
        "potentials": [2, 4],
        "economy": economy(
            investment=(2_000_000, 500_000, 0, 0, 0),
            operating=(300_000, 600_000, 600_000, 600_000, 600_000),
            gain=(-500_000, -2_500_000, -3_500_000, -3_500_000, -3_500_000),
        ),
        "comments": {
            CaseState.APPROVED: (
                "Indstillingen blev godkendt med finansiering fra investerings- og "
                "innovationspuljen."
            ),
        },
    },
    # ---- Sundheds- og Omsorgsforvaltningen
    {
        "title": "Skærmbesøg i hjemmeplejen",
        "department": "SUF",
        "participants": [],
        "scope": CaseScope.DEPARTMENT,
        "case_type": CaseType.TRANSITION,
        "state": CaseState.PRIORITISED,
        "summary": (
            "Udvalgte besøg i hjemmeplejen, fx medicinpåmindelser, gennemføres som "
            "skærmbesøg, når borgeren ønsker det."
        ),
        "background": (
            "Hjemmeplejen mangler medarbejdere, og mange korte besøg bruger meget tid på "
            "transport. Borgerpanelet viser, at mange ældre er positive over for digitale "
            "løsninger."
        ),
        "solution": (
            "Skærmbesøg udbredes til alle hjemmeplejeenheder med en fast visitationsmodel og "
            "oplæring af medarbejderne. Borgeren kan altid vælge fysisk besøg."
        ),
        "contact": ("Sofie Mikkelsen", "sofie.mikkelsen@kk.dk"),
        "risk_level": RiskLevel.MEDIUM,
        "risk_text": "Digital inklusion: ikke alle borgere kan eller vil bruge skærmbesøg.",
        "dependencies": "Omsorgssystemet CURA.",
        "green_requirements": True,
        "green_text": "Færre kørte kilometer i hjemmeplejen.",
        "themes": [1, 2, 3],
        "principles": {
            3: "Udviklet med hjemmeplejen og tilpasset plejen af den enkelte borger.",
        },
        "potentials": [1, 2, 4],
        "economy": economy(
            investment=(2_500_000, 1_000_000, 0, 0, 0),
            operating=(400_000, 800_000, 800_000, 800_000, 800_000),
            gain=(-500_000, -3_000_000, -4_500_000, -4_500_000, -4_500_000),
        ),
    },
    {
        "title": "Genudbud af omsorgssystemet CURA",
        "department": "SUF",
        "participants": ["SOF"],
        "scope": CaseScope.CROSS_CUTTING,
        "case_type": CaseType.RETENDER,
        "state": CaseState.QUALIFIED,
        "returned_once": True,
        "summary": "Kontrakten om omsorgssystemet CURA udløber og skal genudbydes.",
        "background": (
            "CURA er et af kommunens kritiske fagsystemer og bruges af tusindvis af "
            "medarbejdere i pleje og omsorg. Kontrakten udløber i 2029."
        ),
        "solution": (
            "Et fælles udbud for sundheds- og socialområdet med krav om åbne snitflader, "
            "brugervenlighed og mobil dokumentation."
        ),
        "contact": ("Lars Andersen", "lars.andersen@kk.dk"),
        "risk_level": RiskLevel.HIGH,
        "risk_text": "Leverandørskifte i et kritisk system; dobbeltdrift i overgangsperioden.",
        "dependencies": "Fælleskommunale standarder (KOMBIT, FSIII).",
        "green_requirements": True,
        "green_text": "Krav til leverandørens energiforbrug og datacentre i udbuddet.",
        "themes": [2, 6],
        "principles": {
            1: "Ét udbud for to forvaltninger i stedet for to.",
            2: "Ét omsorgssystem på tværs af sundheds- og socialområdet.",
        },
        "potentials": [3],
        "economy": economy(
            retender=(6_000_000, 9_000_000, 3_000_000, 0, 0),
        ),
        "comments": {
            CaseState.RETURNED: "Angiv venligst kontraktens udløbsdato og udbudsformen.",
            CaseState.QUALIFIED: "Kvalificeret; finansieres forventeligt som internt lån.",
        },
    },
    {
        "title": "Talegenkendelse til dokumentation i plejen",
        "department": "SUF",
        "participants": [],
        "scope": CaseScope.DEPARTMENT,
        "case_type": CaseType.NEW_TECHNOLOGY,
        "state": CaseState.DRAFT,
        "summary": "Plejepersonalet dikterer deres dokumentation i stedet for at skrive den.",
        "background": "",
        "solution": "",
        "contact": ("Sofie Mikkelsen", "sofie.mikkelsen@kk.dk"),
        "risk_level": "",
        "risk_text": "",
        "dependencies": "",
        "green_requirements": False,
        "themes": [1],
        "principles": {},
        "potentials": [],
        "economy": economy(),
    },
    {
        "title": "Digital genoptræning og telemedicin",
        "department": "SUF",
        "participants": [],
        "scope": CaseScope.DEPARTMENT,
        "case_type": CaseType.NEW_TECHNOLOGY,
        "state": CaseState.APPROVED,
        "summary": (
            "Borgere i genoptræning får digitalt understøttet træning hjemme og "
            "videokonsultationer med terapeuten."
        ),
        "background": (
            "Ventetiden til genoptræning er lang, og mange borgere har svært ved at komme "
            "til træningscentrene."
        ),
        "solution": (
            "En træningsapp med videoøvelser og måling af fremskridt kombineres med "
            "videokonsultationer og hold i træningscentrene."
        ),
        "contact": ("Lars Andersen", "lars.andersen@kk.dk"),
        "risk_level": RiskLevel.LOW,
        "risk_text": "Nogle borgere har brug for hjælp til at komme i gang med appen.",
        "dependencies": "",
        "green_requirements": False,
        "themes": [1, 2],
        "principles": {3: "Udviklet af terapeuterne i træningscentrene."},
        "potentials": [1, 2],
        "economy": economy(
            investment=(1_800_000, 0, 0, 0, 0),
            operating=(300_000, 300_000, 300_000, 300_000, 300_000),
            gain=(-400_000, -1_200_000, -1_200_000, -1_200_000, -1_200_000),
        ),
    },
    # ---- Børne- og Ungdomsforvaltningen
    {
        "title": "Digital pladsanvisning med automatisk tildeling",
        "department": "BUF",
        "participants": [],
        "scope": CaseScope.DEPARTMENT,
        "case_type": CaseType.DIGITAL_SOLUTION,
        "state": CaseState.NOT_RECOMMENDED,
        "summary": "Automatisk tildeling af dagtilbudspladser efter forældrenes ønsker.",
        "background": (
            "Pladsanvisningen fordeler manuelt tusindvis af pladser om året. Forældrene "
            "ønsker hurtigere svar."
        ),
        "solution": (
            "En regelmotor i pladsanvisningssystemet tildeler pladser efter de politisk "
            "besluttede kriterier; sagsbehandleren håndterer undtagelserne."
        ),
        "contact": ("Camilla Berg", "camilla.berg@kk.dk"),
        "risk_level": RiskLevel.MEDIUM,
        "risk_text": "Automatiske afgørelser kræver klar lovhjemmel og mulighed for klage.",
        "dependencies": "Leverandøren af pladsanvisningssystemet.",
        "green_requirements": False,
        "themes": [2],
        "principles": {3: "Tæt på driften i pladsanvisningen."},
        "potentials": [1, 3],
        "economy": economy(
            investment=(2_200_000, 0, 0, 0, 0),
            operating=(200_000, 200_000, 200_000, 200_000, 200_000),
            gain=(0, -600_000, -600_000, -600_000, -600_000),
        ),
        "comments": {
            CaseState.NOT_RECOMMENDED: (
                "Ikke anbefalet i denne runde: afvent afklaring af lovhjemlen til "
                "automatiske afgørelser."
            ),
        },
    },
    {
        "title": "Fælles læringsplatform for skolerne",
        "department": "BUF",
        "participants": ["KFF"],
        "scope": CaseScope.CROSS_CUTTING,
        "case_type": CaseType.PLATFORM,
        "state": CaseState.DEFERRED,
        "summary": (
            "Én læringsplatform for folkeskolerne og bibliotekernes læringstilbud i stedet "
            "for tre."
        ),
        "background": (
            "Skolerne bruger flere læringsplatforme side om side, og bibliotekernes "
            "materialer er svære at finde for elever og lærere."
        ),
        "solution": (
            "En fælles platform anskaffes via det fælleskommunale udbud, og "
            "bibliotekernes materialer integreres."
        ),
        "contact": ("Camilla Berg", "camilla.berg@kk.dk"),
        "risk_level": RiskLevel.MEDIUM,
        "risk_text": "Det fælleskommunale udbud er forsinket.",
        "dependencies": "KOMBIT's udbud af læringsplatforme.",
        "green_requirements": False,
        "themes": [2, 4],
        "principles": {
            1: "Fælles platform for skoler og biblioteker.",
            2: "Tre platforme bliver til én.",
        },
        "potentials": [1, 4],
        "economy": economy(
            investment=(4_500_000, 2_000_000, 0, 0, 0),
            operating=(0, 1_500_000, 1_500_000, 1_500_000, 1_500_000),
            gain=(0, -1_000_000, -2_000_000, -2_000_000, -2_000_000),
        ),
        "comments": {
            CaseState.DEFERRED: (
                "Udskudt til Budget 2028, når det fælleskommunale udbud er afsluttet."
            ),
        },
    },
    {
        "title": "Genbrug af it-hardware i skolerne",
        "department": "BUF",
        "participants": [],
        "scope": CaseScope.DEPARTMENT,
        "case_type": CaseType.TRANSITION,
        "state": CaseState.DRAFT,
        "summary": "Elevernes computere får et længere liv gennem reparation og genbrug.",
        "background": (
            "Skolerne udskifter hvert år tusindvis af elevcomputere, mange af dem kunne "
            "bruges længere."
        ),
        "solution": (
            "En ordning for reparation, opgradering og videregivelse af computere i "
            "samarbejde med kommunens indkøb."
        ),
        "contact": ("Camilla Berg", "camilla.berg@kk.dk"),
        "risk_level": RiskLevel.LOW,
        "risk_text": "Sikker sletning af data før genbrug.",
        "dependencies": "",
        "green_requirements": True,
        "green_text": "Længere levetid for hardware mindsker CO₂-aftrykket fra indkøb.",
        "themes": [3],
        "principles": {3: "Udviklet med skolernes it-vejledere."},
        "potentials": [3],
        "economy": economy(
            investment=(600_000, 0, 0, 0, 0),
            gain=(0, -900_000, -900_000, -900_000, -900_000),
        ),
    },
    # ---- Socialforvaltningen
    {
        "title": "Sammenhængende borgerforløb på socialområdet",
        "department": "SOF",
        "participants": ["SUF", "BIF"],
        "scope": CaseScope.CROSS_CUTTING,
        "case_type": CaseType.DIGITAL_SOLUTION,
        "state": CaseState.REJECTED,
        "summary": (
            "Et fælles overblik over borgerens forløb på tværs af social-, sundheds- og "
            "beskæftigelsesområdet."
        ),
        "background": (
            "Borgere i komplekse forløb møder mange sagsbehandlere, og vigtig information går "
            "tabt i overgangene."
        ),
        "solution": (
            "Et forløbsoverblik, der henter data fra fagsystemerne med borgerens samtykke."
        ),
        "contact": ("Rasmus Thomsen", "rasmus.thomsen@kk.dk"),
        "risk_level": RiskLevel.HIGH,
        "risk_text": "Juridiske barrierer for deling af data på tværs af lovgivninger.",
        "dependencies": "Samtykkeløsning og integrationer til tre fagsystemer.",
        "green_requirements": False,
        "themes": [2, 5],
        "principles": {1: "Fælles løsning for tre forvaltninger."},
        "potentials": [1, 2],
        "economy": economy(
            investment=(7_000_000, 5_000_000, 0, 0, 0),
            operating=(0, 1_800_000, 1_800_000, 1_800_000, 1_800_000),
        ),
        "comments": {
            CaseState.REJECTED: (
                "Ikke godkendt: Økonomiudvalget ønsker først en juridisk afklaring af "
                "datadelingen."
            ),
        },
    },
    {
        "title": "Genudbud af sagssystemet DOMUS",
        "department": "SOF",
        "participants": [],
        "scope": CaseScope.DEPARTMENT,
        "case_type": CaseType.RETENDER,
        "state": CaseState.FORWARDED,
        "summary": "Kontrakten om sagssystemet DOMUS på socialområdet skal genudbydes.",
        "background": (
            "DOMUS er et kritisk fagsystem for myndighedssagsbehandlingen. Kontrakten "
            "udløber i 2028 og kan ikke forlænges."
        ),
        "solution": "Genudbud med krav om standardsnitflader og bedre mobil adgang.",
        "contact": ("Rasmus Thomsen", "rasmus.thomsen@kk.dk"),
        "risk_level": RiskLevel.HIGH,
        "risk_text": "Datamigrering fra et system med mange års sagshistorik.",
        "dependencies": "",
        "green_requirements": False,
        "themes": [6],
        "principles": {2: "Genudbuddet samler to hjælpesystemer i ét."},
        "potentials": [3],
        "economy": economy(
            retender=(4_000_000, 6_000_000, 0, 0, 0),
        ),
    },
    {
        "title": "Chatbot til henvendelser om hjælpemidler",
        "department": "SOF",
        "participants": [],
        "scope": CaseScope.DEPARTMENT,
        "case_type": CaseType.NEW_TECHNOLOGY,
        "state": CaseState.RETURNED,
        "summary": "En chatbot besvarer de hyppigste spørgsmål om hjælpemidler døgnet rundt.",
        "background": "Hjælpemiddelområdet får mange ensartede telefonopkald.",
        "solution": "En chatbot på kk.dk, der kan stille om til en medarbejder.",
        "contact": ("Rasmus Thomsen", "rasmus.thomsen@kk.dk"),
        "risk_level": RiskLevel.LOW,
        "risk_text": "Borgere, der ikke kan bruge chatten, skal fortsat kunne ringe.",
        "dependencies": "Kommunens fælles chatbotplatform.",
        "green_requirements": False,
        "themes": [2],
        "principles": {1: "Bygger på den fælles chatbotplatform."},
        "potentials": [1],
        "economy": economy(
            investment=(500_000, 0, 0, 0, 0),
            operating=(100_000, 100_000, 100_000, 100_000, 100_000),
        ),
        "comments": {
            CaseState.RETURNED: (
                "Undersøg om casen kan indgå i den fælles chatbot-indsats, og angiv "
                "forventede gevinster."
            ),
        },
    },
    # ---- Teknik- og Miljøforvaltningen
    {
        "title": "Sensorer til affaldsindsamling",
        "department": "TMF",
        "participants": [],
        "scope": CaseScope.DEPARTMENT,
        "case_type": CaseType.NEW_TECHNOLOGY,
        "state": CaseState.IN_PROGRESS,
        "summary": "Fyldningssensorer i affaldsbeholdere styrer tømningsruterne.",
        "background": "Beholdere tømmes efter faste ruter, uanset hvor fulde de er.",
        "solution": "Sensorer og ruteoptimering, så der kun køres efter fulde beholdere.",
        "contact": ("Nadia Olsen", "nadia.olsen@kk.dk"),
        "risk_level": RiskLevel.LOW,
        "risk_text": "Sensorernes batterilevetid.",
        "dependencies": "",
        "green_requirements": True,
        "green_text": "Færre kørte kilometer og mindre CO₂-udledning fra skraldebilerne.",
        "themes": [3, 5],
        "principles": {3: "Udviklet med renholdelsen og tilpasset ruteplanlægningen."},
        "potentials": [3, 4],
        "economy": economy(
            investment=(3_500_000, 0, 0, 0, 0),
            operating=(400_000, 400_000, 400_000, 400_000, 400_000),
            gain=(-800_000, -1_600_000, -1_600_000, -1_600_000, -1_600_000),
        ),
        "comments": {CaseState.IN_PROGRESS: "Udrulning startet i Indre By og på Østerbro."},
    },
    {
        "title": "Digital byggesagsbehandling med 3D-modeller",
        "department": "TMF",
        "participants": [],
        "scope": CaseScope.DEPARTMENT,
        "case_type": CaseType.DIGITAL_SOLUTION,
        "state": CaseState.APPROVED,
        "summary": "Ansøgninger om byggetilladelse behandles på grundlag af 3D-modeller.",
        "background": (
            "Sagsbehandlingstiden for byggesager er lang, og mange ansøgninger mangler "
            "oplysninger."
        ),
        "solution": (
            "Ansøgere kan indsende bygningsmodeller, som automatisk kontrolleres for de "
            "vigtigste krav i lokalplanen."
        ),
        "contact": ("Nadia Olsen", "nadia.olsen@kk.dk"),
        "risk_level": RiskLevel.MEDIUM,
        "risk_text": "Ansøgernes modeller har forskellig kvalitet.",
        "dependencies": "Byg og Miljø (national løsning).",
        "green_requirements": False,
        "themes": [2, 5],
        "principles": {3: "Udviklet med byggesagsbehandlerne."},
        "potentials": [1, 3],
        "economy": economy(
            investment=(3_000_000, 1_000_000, 0, 0, 0),
            operating=(250_000, 500_000, 500_000, 500_000, 500_000),
            gain=(0, -1_500_000, -2_000_000, -2_000_000, -2_000_000),
        ),
    },
    {
        "title": "Databaseret energiledelse i kommunens bygninger",
        "department": "TMF",
        "participants": ["OKF"],
        "scope": CaseScope.CROSS_CUTTING,
        "case_type": CaseType.DIGITAL_SOLUTION,
        "state": CaseState.COMPLETED,
        "summary": "Energiforbruget i kommunens bygninger styres ud fra målerdata.",
        "background": "Energiforbruget i mange bygninger kendes kun fra årsopgørelsen.",
        "solution": "Timemålere og alarmer ved unormalt forbrug i de største bygninger.",
        "contact": ("Nadia Olsen", "nadia.olsen@kk.dk"),
        "risk_level": RiskLevel.LOW,
        "risk_text": "Afhænger af opfølgning i den daglige bygningsdrift.",
        "dependencies": "KEJD Dataportal.",
        "green_requirements": True,
        "green_text": "Lavere energiforbrug i kommunens bygninger, jf. Klimaplan 2035.",
        "themes": [3, 5],
        "principles": {1: "Fælles løsning for alle kommunens bygninger."},
        "potentials": [3],
        "economy": economy(
            investment=(2_000_000, 0, 0, 0, 0),
            gain=(-1_000_000, -2_500_000, -2_500_000, -2_500_000, -2_500_000),
        ),
    },
    {
        "title": "Fælles logovervågning og beredskab mod cyberangreb",
        "department": "TMF",
        "participants": ["OKF", "BUF", "SUF", "SOF", "KFF", "BIF"],
        "scope": CaseScope.CROSS_CUTTING,
        "case_type": CaseType.PLATFORM,
        "state": CaseState.FORWARDED,
        "summary": "Døgnovervågning af kommunens systemer og et fælles beredskab.",
        "background": (
            "Cyberangrebene stiger markant, og kravene til informationssikkerhed fra EU "
            "skærpes (NIS2)."
        ),
        "solution": "Et fælles sikkerhedscenter med logovervågning og øvede beredskabsplaner.",
        "contact": ("Nadia Olsen", "nadia.olsen@kk.dk"),
        "risk_level": RiskLevel.HIGH,
        "risk_text": "Mangel på specialister; snitflader til it-servicecentrene fra 2027.",
        "dependencies": "De kommunale it-servicecentre (ØA26).",
        "depends_on_it_service_centres": True,
        "green_requirements": False,
        "themes": [6],
        "principles": {
            1: "Ét fælles sikkerhedscenter i stedet for syv.",
            2: "Én fælles platform til logovervågning.",
        },
        "potentials": [4],
        "economy": economy(
            investment=(5_000_000, 3_000_000, 0, 0, 0),
            operating=(2_000_000, 4_000_000, 4_000_000, 4_000_000, 4_000_000),
        ),
    },
    # ---- Kultur- og Fritidsforvaltningen
    {
        "title": "Digital booking af idrætsfaciliteter og lokaler",
        "department": "KFF",
        "participants": [],
        "scope": CaseScope.DEPARTMENT,
        "case_type": CaseType.DIGITAL_SOLUTION,
        "state": CaseState.SUBMITTED,
        "summary": "Foreninger og borgere booker haller, baner og lokaler online.",
        "background": "Booking sker i dag via mail og telefon og giver dobbeltbookinger.",
        "solution": "Et bookingsystem med betaling og adgangskontrol til lokalerne.",
        "contact": ("Kasper Winther", "kasper.winther@kk.dk"),
        "risk_level": RiskLevel.LOW,
        "risk_text": "Foreningernes brug af systemet.",
        "dependencies": "Adgangskontrol i bygningerne.",
        "green_requirements": False,
        "themes": [2],
        "principles": {3: "Udviklet med foreningerne og idrætsanlæggene."},
        "potentials": [1, 3],
        "economy": economy(
            investment=(1_200_000, 0, 0, 0, 0),
            operating=(150_000, 150_000, 150_000, 150_000, 150_000),
            gain=(0, -400_000, -400_000, -400_000, -400_000),
        ),
    },
    {
        "title": "Selvbetjening i bibliotekernes servicecentre",
        "department": "KFF",
        "participants": [],
        "scope": CaseScope.DEPARTMENT,
        "case_type": CaseType.DIGITAL_SOLUTION,
        "state": CaseState.WITHDRAWN,
        "summary": "Borgerservice-selvbetjening på bibliotekernes skærme.",
        "background": "Borgere spørger på bibliotekerne om hjælp til digital selvbetjening.",
        "solution": "Skærme og vejledning til selvbetjening på udvalgte biblioteker.",
        "contact": ("Kasper Winther", "kasper.winther@kk.dk"),
        "risk_level": RiskLevel.LOW,
        "risk_text": "Overlap med Borgerservice.",
        "dependencies": "",
        "green_requirements": False,
        "themes": [2],
        "principles": {1: "Genbruger Borgerservices løsninger."},
        "potentials": [1],
        "economy": economy(
            investment=(400_000, 0, 0, 0, 0),
        ),
        "comments": {
            CaseState.WITHDRAWN: "Trukket tilbage: indgår i Borgerservices egen case.",
        },
    },
    # ---- Økonomiforvaltningen
    {
        "title": "Fælles platform for digital post og kontaktkanaler",
        "department": "OKF",
        "participants": ["KFF", "SUF", "TMF"],
        "scope": CaseScope.CROSS_CUTTING,
        "case_type": CaseType.PLATFORM,
        "state": CaseState.QUALIFIED,
        "summary": "Én platform for digital post, chat og kontaktformularer for hele kommunen.",
        "background": (
            "Kommunen har mange kontaktkanaler, og borgerne ved ikke, hvor de skal henvende "
            "sig."
        ),
        "solution": "Fælles platform med få, gode kontaktkanaler og fælles svarskabeloner.",
        "contact": ("Ida Poulsen", "ida.poulsen@kk.dk"),
        "risk_level": RiskLevel.MEDIUM,
        "risk_text": "Forvaltningernes egne løsninger skal udfases i takt.",
        "dependencies": "Digital Post (national løsning).",
        "green_requirements": False,
        "themes": [2, 6],
        "principles": {
            1: "Én kontaktplatform for alle forvaltninger.",
            2: "Erstatter fem lokale løsninger.",
        },
        "potentials": [1, 3, 4],
        "economy": economy(
            investment=(4_000_000, 2_000_000, 0, 0, 0),
            operating=(600_000, 900_000, 900_000, 900_000, 900_000),
            gain=(0, -1_200_000, -2_400_000, -2_400_000, -2_400_000),
        ),
    },
    {
        "title": "Genudbud af kommunens økonomisystem",
        "department": "OKF",
        "participants": ALL_OTHERS,
        "scope": CaseScope.CROSS_CUTTING,
        "case_type": CaseType.RETENDER,
        "state": CaseState.DRAFT,
        "summary": "Kontrakten om kommunens fælles økonomisystem udløber og skal genudbydes.",
        "background": (
            "Økonomisystemet bruges af alle forvaltninger til bogføring, betalinger og "
            "budgetopfølgning. Kontrakten udløber i 2029."
        ),
        "solution": "Fælles genudbud med krav om standardprocesser og bedre ledelsesinformation.",
        "contact": ("Mikkel Sørensen", "mikkel.sorensen@kk.dk"),
        "risk_level": RiskLevel.HIGH,
        "risk_text": "Stort og kritisk system; skiftet skal ske ved et årsskifte.",
        "dependencies": "Integrationer til løn-, indkøbs- og fagsystemer.",
        "green_requirements": False,
        "themes": [6],
        "principles": {
            1: "Et fælles system og et fælles udbud for hele kommunen.",
            2: "Lokale tillægsløsninger udfases.",
        },
        "potentials": [3],
        "economy": economy(
            retender=(3_000_000, 12_000_000, 8_000_000, 0, 0),
        ),
    },
    {
        "title": "Ledelse i en digital tid",
        "department": "OKF",
        "participants": ["BUF", "SUF", "SOF", "BIF"],
        "scope": CaseScope.CROSS_CUTTING,
        "case_type": CaseType.TRANSITION,
        "state": CaseState.PRIORITISED,
        "summary": "Et fælles forløb, der klæder kommunens ledere på til digital ledelse.",
        "background": (
            "Ledere har en nøglerolle, når nye systemer og teknologier tages i brug, men "
            "mange føler sig ikke klædt på til opgaven."
        ),
        "solution": (
            "Et fælles forløb om forandringsledelse, data og ny teknologi, og et digitalt "
            "perspektiv i onboarding af nye ledere."
        ),
        "contact": ("Ida Poulsen", "ida.poulsen@kk.dk"),
        "risk_level": RiskLevel.LOW,
        "risk_text": "Ledernes tid til at deltage.",
        "dependencies": "",
        "green_requirements": False,
        "themes": [4],
        "principles": {1: "Ét fælles forløb for ledere i alle forvaltninger."},
        "potentials": [2, 4],
        "economy": economy(
            investment=(1_000_000, 1_000_000, 0, 0, 0),
        ),
    },
]
