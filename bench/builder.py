"""The benchmark's portfolio: the demo's master data and users, and cases by the thousand.

``build_portfolio`` writes what ``seed_demo`` writes before its cases (roles,
strategy, departments, users, channels, the Budget 2027 cycle with the intake
open today) and one case with a long history, made through the real services:
``portfolio.services.case_create`` and ``case_update`` for 30 saves of the case
form, and the workflow in ``governance.services.workflow`` for its transitions.

``grow`` then adds cases until the cycle has N. Those are written in bulk, for
speed, but row for row in the shape the services leave behind, because the
pages read all of it: the case row and its history record of every version
(created, the two many-to-many saves, one later edit, one per transition),
simple-history's many-to-many snapshot with each of those records, ten economy
lines and two principles with their history, the ``CaseTransition`` rows of the
path from draft to the case's state, and the notifications ``notify_transition``
would have written. Everything is deterministic: the same N gives the same rows.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.management.commands.setup_roles import setup_roles
from governance.models import CaseTransition, Notification
from governance.services import workflow
from kkdigital.demo import data as demo_data
from kkdigital.demo.seed import Seeder
from portfolio.models import (
    CaseEconomyLine,
    CasePrinciple,
    CaseScope,
    CaseState,
    CaseType,
    EconomyKind,
    InvestmentCase,
    RiskLevel,
    Role,
    User,
)
from portfolio.services import CaseData, case_create, case_update

S = CaseState

# How the cases of a cycle that is well under way are spread over the states
# (weights in per cent). The drafts and submitted cases dominate, as in the intake.
STATE_WEIGHTS = {
    S.DRAFT: 30,
    S.SUBMITTED: 18,
    S.RETURNED: 5,
    S.QUALIFIED: 10,
    S.PRIORITISED: 8,
    S.NOT_RECOMMENDED: 4,
    S.FORWARDED: 4,
    S.APPROVED: 8,
    S.REJECTED: 2,
    S.DEFERRED: 2,
    S.IN_PROGRESS: 4,
    S.COMPLETED: 2,
    S.WITHDRAWN: 3,
}
CROSS_CUTTING_SHARE = 0.15
# Each case has ten economy lines: investment and operating cost in each of the
# four years, the permanent operating cost and the permanent gain.
ECONOMY_KEYS = [
    *((EconomyKind.INVESTMENT, year) for year in range(2027, 2031)),
    *((EconomyKind.OPERATING, year) for year in range(2027, 2031)),
    (EconomyKind.OPERATING, None),
    (EconomyKind.GAIN, None),
]
# The word the benchmark searches for: in one demo title out of 27, and in summaries.
SEARCH_WORD = "chatbot"
LONG_HISTORY_EDITS = 30
# The cases go round the seven departments, BIF (whose people the pages are read as) first.
DEPARTMENT_ORDER = ["BIF", "OKF", "KFF", "BUF", "SUF", "SOF", "TMF"]
BATCH = 250


@dataclass
class Portfolio:
    """What the measurements need to find again: the cycle, people and special cases."""

    cycle: object
    now: datetime.datetime
    users: dict[str, User]
    departments: dict
    themes: dict
    principles: dict
    potentials: dict
    long_history_case: InvestmentCase
    cases: int = 0
    # A complete BIF draft that the measurements save and submit.
    bench_case_pk: int | None = None
    # seed_volume: the seed number (None: each case's rows follow from its index
    # alone, as before), and the states of the cycle being grown (None: STATE_WEIGHTS).
    seed: int | None = None
    state_weights: dict | None = None

    def principle_pks(self) -> list[int]:
        return sorted(p.pk for p in self.principles.values())


def build_portfolio(
    *, now: datetime.datetime | None = None, edits: int = LONG_HISTORY_EDITS
) -> Portfolio:
    """The demo's master data and users, and one case with a long real history
    (``edits`` saves of the case form; at least 1)."""
    now = now or timezone.now()
    seeder = Seeder(now=now)
    with transaction.atomic():
        setup_roles()
        seeder.seed_strategy()
        seeder.seed_departments()
        seeder.seed_users()
        seeder.seed_channels()
        seeder.seed_cycle()
    users = {
        username: User.objects.get(username=username)
        for username, *_rest in demo_data.USERS
    }
    portfolio = Portfolio(
        cycle=seeder.cycle,
        now=now,
        users=users,
        departments=seeder.departments,
        themes=seeder.themes,
        principles=seeder.principles,
        potentials=seeder.potentials,
        long_history_case=None,
    )
    portfolio.long_history_case = _long_history_case(portfolio, max(1, edits))
    portfolio.cases = InvestmentCase.objects.filter(cycle=portfolio.cycle).count()
    return portfolio


def full_case_data(portfolio: Portfolio, case: InvestmentCase, **changes) -> CaseData:
    """What the case form hands the service when a user saves ``case`` unchanged but for
    ``changes``: every field, every link, every principle and every economy cell."""
    fields = {name: getattr(case, name) for name in (
        "title", "summary", "scope", "case_type", "background", "solution", "risk_level",
        "risk_text", "dependencies", "depends_on_it_service_centres", "green_requirements",
        "green_text", "contact_name", "contact_email",
    )}
    economy_changes = changes.pop("economy", {})
    principle_changes = changes.pop("principles", {})
    fields.update(changes)
    amounts = {(line.kind, line.year): line.amount for line in case.economy_lines.all()}
    economy = {
        (kind.value, year): amounts.get((kind.value, year))
        for kind in (EconomyKind.INVESTMENT, EconomyKind.OPERATING, EconomyKind.RETENDER,
                     EconomyKind.GAIN)
        for year in [*portfolio.cycle.out_years, None]
    }
    economy.update(economy_changes)
    justifications = dict(case.principle_links.values_list("principle_id", "justification"))
    principles = {pk: justifications.get(pk, "") for pk in portfolio.principle_pks()}
    principles.update(principle_changes)
    return CaseData(
        fields=fields,
        participating_departments=list(case.participating_departments.values_list("pk", flat=True)),
        themes=list(case.themes.values_list("pk", flat=True)),
        potentials=list(case.potentials.values_list("pk", flat=True)),
        principles=principles,
        economy=economy,
    )


def _long_history_case(portfolio: Portfolio, edits: int) -> InvestmentCase:
    """A BIF case saved ``edits`` times by two people, submitted, returned, resubmitted
    and qualified, all through the services, as a busy case's page shows it."""
    staff = portfolio.users["mette.holm"]
    it_lead = portfolio.users["jonas.kristensen"]
    secretariat = portfolio.users["anne.jeppesen"]
    demo = demo_data.CASES[6]
    principle_pks = portfolio.principle_pks()
    case = case_create(
        actor=staff,
        cycle=portfolio.cycle,
        data=CaseData(
            fields={"title": "AI til resumé af samtaler – lang historik",
                    "summary": demo["summary"]},
            themes=[portfolio.themes[1].pk],
            economy={("investment", 2027): 1_000_000},
        ),
    )
    for edit in range(edits):
        case.refresh_from_db()
        actor = staff if edit % 3 else it_lead
        changes = {
            "summary": f"{demo['summary']} (udgave {edit + 2})",
            "economy": {
                ("investment", 2027): 1_000_000 + 50_000 * edit,
                ("operating", 2028 + edit % 3): 200_000 + 10_000 * edit,
                ("gain", None): -150_000 - 5_000 * edit,
            },
        }
        if edit == 0:
            # The first save completes the case; the later ones change a little each.
            changes.update(
                background=demo["background"], solution=demo["solution"],
                contact_name="Mette Holm", contact_email="mette.holm@kk.dk",
                risk_level=RiskLevel.MEDIUM, risk_text=demo["risk_text"],
                dependencies=demo["dependencies"],
            )
        if edit % 5 == 0:
            changes["principles"] = {
                principle_pks[edit % len(principle_pks)]: f"Begrundelse, udgave {edit}."
            }
        data = full_case_data(portfolio, case, **changes)
        if edit % 7 == 3:
            data.themes = [portfolio.themes[1 + edit % 6].pk, portfolio.themes[2].pk]
        if edit == 0:
            data.potentials = [portfolio.potentials[1].pk, portfolio.potentials[3].pk]
        case = case_update(actor=actor, case_pk=case.pk, expected_version=case.version, data=data)
        if edit == max(0, edits - 6):
            workflow.case_submit(actor=it_lead, case_pk=case.pk)
            workflow.case_return(
                actor=secretariat, case_pk=case.pk,
                comment="Uddyb gevinsterne og tidsplanen.",
                override_reason="Benchmark: returneret i indhentningen.",
            )
    workflow.case_submit(actor=it_lead, case_pk=case.pk, comment="Gevinsterne er uddybet.")
    workflow.case_qualify(
        actor=secretariat, case_pk=case.pk,
        override_reason="Benchmark: kvalificeret i indhentningen.",
    )
    case.refresh_from_db()
    return case


# --- Cases in bulk --------------------------------------------------------------------


def _weighted_states(rng: random.Random, weights: dict | None = None) -> str:
    states, weights = zip(*(weights or STATE_WEIGHTS).items(), strict=True)
    return rng.choices(states, weights)[0]


@dataclass
class _Plan:
    """One case to write: its rows before they have ids."""

    case: InvestmentCase
    versions: list[dict]  # each: date, user, type, reason, state, version, summary, m2m
    themes: list[int]
    potentials: list[int]
    participating_departments: list[int]
    lines: list[CaseEconomyLine]
    edited_line: int  # index of the line the later edit changed
    amount_before_edit: int
    edit_date: datetime.datetime
    principles: list[CasePrinciple]
    transitions: list[CaseTransition]
    author: User


def grow(portfolio: Portfolio, cases: int) -> int:
    """Add cases to the portfolio's cycle until it has ``cases``; returns how many it added."""
    existing = InvestmentCase.objects.filter(cycle=portfolio.cycle).count()
    missing = max(0, cases - existing)
    # Bulk cases are numbered from 0; the long-history case is not one of them.
    first = existing - 1
    people = _people(portfolio)
    for start in range(first, first + missing, BATCH):
        plans = [
            _plan(portfolio, people, index)
            for index in range(start, min(start + BATCH, first + missing))
        ]
        with transaction.atomic():
            _write(plans, portfolio, people)
        if portfolio.bench_case_pk is None:
            portfolio.bench_case_pk = next(
                (plan.case.pk for plan in plans if plan.case.department.code == "BIF"
                 and plan.case.state == S.DRAFT),
                None,
            )
    portfolio.cases = existing + missing
    return missing


@dataclass
class _People:
    authors: dict  # department code -> list of users who write its cases
    it_leads: dict
    department_users: dict  # department id -> users notify_transition tells
    secretariat: list
    directors: User


def _people(portfolio: Portfolio) -> _People:
    users = portfolio.users.values()
    by_department: dict = {}
    it_leads = {}
    for user in users:
        if user.department is None or not user.has_role(
            Role.DEPARTMENT_STAFF, Role.DEPARTMENT_IT_LEAD
        ):
            continue
        by_department.setdefault(user.department.code, []).append(user)
        if user.has_role(Role.DEPARTMENT_IT_LEAD):
            it_leads[user.department.code] = user
    return _People(
        authors=by_department,
        it_leads=it_leads,
        department_users={
            portfolio.departments[code].pk: members for code, members in by_department.items()
        },
        secretariat=[u for u in users if u.has_role(Role.SECRETARIAT)],
        directors=next(u for u in users if u.has_role(Role.IT_DIRECTORS)),
    )


def _actor(people: _People, department_code: str, to_state: str) -> User:
    role = demo_data.ACTOR_FOR_STATE[to_state]
    if role == Role.DEPARTMENT_IT_LEAD:
        return people.it_leads[department_code]
    if role == Role.SECRETARIAT:
        return people.secretariat[0]
    return people.directors


def _plan(portfolio: Portfolio, people: _People, index: int) -> _Plan:
    cycle_year = portfolio.cycle.budget_year
    # A string seed is hashed the same way in every process (unlike hash()).
    rng = random.Random(
        index if portfolio.seed is None else f"{portfolio.seed}:{cycle_year}:{index}"
    )
    # An earlier cycle's cases were written and moved on that many years ago.
    years_back = max(0, 2027 - cycle_year)
    code = DEPARTMENT_ORDER[index % len(DEPARTMENT_ORDER)]
    department = portfolio.departments[code]
    demo = demo_data.CASES[index % len(demo_data.CASES)]
    author = rng.choice(people.authors[code])
    # The first case of each department is a draft, so that even a tiny portfolio
    # has a BIF draft for the measurements to save and submit.
    state = (
        S.DRAFT if index < len(DEPARTMENT_ORDER)
        and S.DRAFT in (portfolio.state_weights or STATE_WEIGHTS)
        else _weighted_states(rng, portfolio.state_weights)
    )
    path = demo_data.state_path(state, returned_once=rng.random() < 0.1)

    # The case was created 20 to 120 days ago, edited a few days later, and moved
    # on every few days after that; the last step lies before now.
    created = portfolio.now - datetime.timedelta(
        days=rng.uniform(20, 120) + 365 * years_back, minutes=rng.randint(0, 600)
    )
    edit_date = created + datetime.timedelta(days=rng.uniform(0.5, 3))
    step_dates = []
    moment = edit_date
    for _step in path[1:]:
        moment += datetime.timedelta(days=rng.uniform(0.2, 2.5))
        step_dates.append(min(moment, portfolio.now - datetime.timedelta(minutes=1)))

    cross = rng.random() < CROSS_CUTTING_SHARE
    others = [portfolio.departments[c].pk for c in DEPARTMENT_ORDER if c != code]
    participants = sorted(rng.sample(others, rng.randint(1, 3))) if cross else []
    themes = sorted(rng.sample([t.pk for t in portfolio.themes.values()], 2))
    potentials = sorted(
        rng.sample([p.pk for p in portfolio.potentials.values()], rng.randint(1, 2))
    )
    summary = demo["summary"]
    if index % 9 == 0:
        summary = f"{summary} Borgerne får svar fra en {SEARCH_WORD} døgnet rundt."
    case = InvestmentCase(
        title=f"{demo['title']} ({code} {index + 1})",
        summary=summary,
        background=demo["background"],
        solution=demo["solution"],
        department=department,
        scope=CaseScope.CROSS_CUTTING if cross else CaseScope.DEPARTMENT,
        case_type=rng.choice(CaseType.values),
        contact_name=author.get_full_name(),
        contact_email=author.email,
        risk_level=rng.choice(RiskLevel.values),
        risk_text=demo["risk_text"],
        dependencies=demo["dependencies"],
        green_requirements=demo["green_requirements"],
        green_text=demo.get("green_text", ""),
        state=state,
        cycle=portfolio.cycle,
        price_year=cycle_year,
        created_by=author,
        version=2 + len(path) - 1,
        created_at=created,
        updated_at=step_dates[-1] if step_dates else edit_date,
    )

    # The versions the services would have recorded, in order.
    first_summary = demo["summary"]
    created_reason = _("Case created")
    versions = [
        _version(created, author, "+", created_reason, S.DRAFT, 1, first_summary, (), (), ()),
    ]
    linked_so_far: dict = {"participating_departments": (), "themes": (), "potentials": ()}
    for name, ids in (
        ("participating_departments", participants),
        ("themes", themes),
        ("potentials", potentials),
    ):
        if ids:
            linked_so_far[name] = tuple(ids)
            versions.append(
                _version(created, author, "~", created_reason, S.DRAFT, 1, first_summary,
                         linked_so_far["participating_departments"], linked_so_far["themes"],
                         linked_so_far["potentials"])
            )
    links = (participants, themes, potentials)
    versions.append(
        _version(edit_date, author, "~", _("Case edited"), S.DRAFT, 2, summary, *links)
    )
    transitions = []
    for step, (from_state, to_state) in enumerate(zip(path, path[1:], strict=False)):
        actor = _actor(people, code, to_state)
        transitions.append(
            CaseTransition(
                from_state=from_state,
                to_state=to_state,
                actor=actor,
                comment=demo_data.DEFAULT_COMMENTS[to_state],
                created_at=step_dates[step],
            )
        )
        reason = _("%(from)s → %(to)s") % {
            "from": CaseState(from_state).label,
            "to": CaseState(to_state).label,
        }
        versions.append(
            _version(step_dates[step], actor, "~", reason, to_state, 3 + step, summary, *links)
        )

    lines = []
    shift = cycle_year - 2027
    for kind, line_year in ECONOMY_KEYS:
        year = None if line_year is None else line_year + shift
        if kind == EconomyKind.INVESTMENT:
            amount = rng.randrange(1, 100) * 100_000 if year in (2027 + shift, 2028 + shift) else 0
        elif kind == EconomyKind.GAIN:
            amount = -rng.randrange(0, 60) * 50_000
        else:
            amount = rng.randrange(0, 40) * 25_000
        lines.append(CaseEconomyLine(kind=kind, year=year, amount=amount))
    # The later edit raised one amount by 100.000 kr. (a gain is negative).
    edited_line = rng.randrange(len(lines))
    amount_before_edit = lines[edited_line].amount
    gain = lines[edited_line].kind == EconomyKind.GAIN
    lines[edited_line].amount += -100_000 if gain else 100_000
    principle_numbers = rng.sample(sorted(portfolio.principles), 2)
    principles = [
        CasePrinciple(
            principle=portfolio.principles[number],
            justification=demo["principles"].get(
                number, "Løsningen genbruger kommunens fælles komponenter."
            ),
        )
        for number in sorted(principle_numbers)
    ]
    return _Plan(
        case=case, versions=versions, themes=themes, potentials=potentials,
        participating_departments=participants, lines=lines, edited_line=edited_line,
        amount_before_edit=amount_before_edit, edit_date=edit_date, principles=principles,
        transitions=transitions, author=author,
    )


def _version(date, user, kind, reason, state, version, summary, participants, themes,
             potentials) -> dict:
    return {
        "date": date, "user": user, "type": kind, "reason": reason, "state": state,
        "version": version, "summary": summary,
        "m2m": {
            "participating_departments": tuple(participants),
            "themes": tuple(themes),
            "potentials": tuple(potentials),
        },
    }


def _write(plans: list[_Plan], portfolio: Portfolio, people: _People) -> None:
    """Insert the planned cases and everything the services would have written with them."""
    if not connection.features.can_return_rows_from_bulk_insert:
        raise RuntimeError("The benchmark needs a database that returns ids from bulk inserts.")
    cases = InvestmentCase.objects.bulk_create([plan.case for plan in plans])
    # auto_now and auto_now_add set "now" on insert; put back the planned dates.
    for plan in plans:
        plan.case.created_at = plan.versions[0]["date"]
        plan.case.updated_at = (
            plan.transitions[-1].created_at if plan.transitions else plan.edit_date
        )
    InvestmentCase.objects.bulk_update(cases, ["created_at", "updated_at"])

    m2m_through = {
        name: getattr(InvestmentCase, name).through
        for name in ("participating_departments", "themes", "potentials")
    }
    target_column = {
        "participating_departments": "department_id",
        "themes": "theme_id",
        "potentials": "potential_id",
    }
    through_rows = {name: {} for name in m2m_through}  # name -> {(case, target): row}
    for name, through in m2m_through.items():
        rows = [
            through(investmentcase_id=plan.case.pk, **{target_column[name]: target})
            for plan in plans
            for target in getattr(plan, name)
        ]
        for row in through.objects.bulk_create(rows):
            through_rows[name][(row.investmentcase_id, getattr(row, target_column[name]))] = row

    HistoricalCase = InvestmentCase.history.model
    tracked = [f.attname for f in HistoricalCase.tracked_fields]
    history = []
    for plan in plans:
        values = {name: getattr(plan.case, name) for name in tracked}
        for version in plan.versions:
            values.update(
                state=version["state"], version=version["version"], summary=version["summary"]
            )
            record = HistoricalCase(
                **values,
                history_date=version["date"],
                history_type=version["type"],
                history_user=version["user"],
                history_change_reason=version["reason"],
            )
            record._m2m = version["m2m"]
            history.append(record)
    history = HistoricalCase.objects.bulk_create(history)
    for name in m2m_through:
        snapshot_model = getattr(HistoricalCase, name).model
        snapshot_model.objects.bulk_create(
            [
                snapshot_model(
                    id=through_rows[name][(record.id, target)].pk,
                    investmentcase_id=record.id,
                    history_id=record.history_id,
                    **{target_column[name]: target},
                )
                for record in history
                for target in record._m2m[name]
            ]
        )

    for plan in plans:
        for row in (*plan.lines, *plan.principles):
            row.case = plan.case
        for transition in plan.transitions:
            transition.case = plan.case
    # bulk_create sets the ids on the objects, which their history records need.
    CaseEconomyLine.objects.bulk_create([line for plan in plans for line in plan.lines])
    CasePrinciple.objects.bulk_create([link for plan in plans for link in plan.principles])
    line_history = []
    for plan in plans:
        created = plan.versions[0]["date"]
        for position, line in enumerate(plan.lines):
            edited = position == plan.edited_line
            first_amount = plan.amount_before_edit if edited else line.amount
            line_history.append(
                _row_history(CaseEconomyLine, line, created, plan.author, "+",
                             _("Case created"), amount=first_amount)
            )
            if edited:
                line_history.append(
                    _row_history(CaseEconomyLine, line, plan.edit_date, plan.author, "~",
                                 _("Case edited"))
                )
    CaseEconomyLine.history.model.objects.bulk_create(line_history)
    CasePrinciple.history.model.objects.bulk_create(
        [
            _row_history(CasePrinciple, link, plan.versions[0]["date"], plan.author, "+",
                         _("Case created"))
            for plan in plans
            for link in plan.principles
        ]
    )

    transitions = CaseTransition.objects.bulk_create(
        [transition for plan in plans for transition in plan.transitions]
    )
    Notification.objects.bulk_create(_notifications(transitions, people, portfolio.now))


def _row_history(model, row, date, user, kind, reason, **overrides):
    history_model = model.history.model
    values = {f.attname: getattr(row, f.attname) for f in history_model.tracked_fields}
    values.update(overrides)
    return history_model(
        **values,
        history_date=date,
        history_type=kind,
        history_user=user,
        history_change_reason=reason,
    )


def _notifications(transitions, people: _People, now) -> list[Notification]:
    """The rows ``notify_transition`` writes: a receipt and the secretariat on submission;
    the department on return, qualification and the committee's decision. Read a day
    later, except those of the last day."""
    told = []
    for transition in transitions:
        case = transition.case
        if transition.to_state == S.SUBMITTED:
            recipients = [transition.actor, *people.secretariat]
        elif transition.to_state in (S.RETURNED, S.QUALIFIED, S.APPROVED, S.REJECTED,
                                     S.DEFERRED):
            recipients = people.department_users[case.department_id]
        else:
            continue
        read_at = transition.created_at + datetime.timedelta(days=1)
        for recipient in recipients:
            told.append(
                Notification(
                    recipient=recipient,
                    case=case,
                    subject=f"{CaseState(transition.to_state).label}: {case.title}"[:250],
                    body=f"{transition.comment}\n",
                    created_at=transition.created_at,
                    read_at=read_at if read_at < now else None,
                    emailed_at=transition.created_at,
                )
            )
    return told
