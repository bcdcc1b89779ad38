"""The base demo, written by the services the app itself uses, on a fixed clock.

Master data (strategy, departments, users, channels) is brought to the demo
values on every run. The demo's story (27 cases of Budget 2027 from draft to
where they stand, the IT directors' assessments, the published prioritisation,
the Economic Committee's meetings and decisions) is played once, on a fresh
database: every step is a call of the service a person would cause
(``case_create``, ``case_submit``, ``case_qualify``, ``assessment_save``,
``prioritisation_publish``, ``meeting_create``, ``cases_forward``,
``case_decide``, ...), by a person of the right role, at a moment inside the
phase the workflow requires, with ``timezone.now`` fixed to that moment. The
phases are dated as they were during the story (``data.STORY_PHASE_OFFSETS``);
afterwards the secretariat moves them to the demo's windows of the day
(``data.demo_phase_windows``) with ``cycle_update_phases``.

After the base demo, ``seed_areas`` imports every module ``kkdigital/demo/area_*.py``
in file-name order and calls its ``seed(*, today, log)``.
"""

import contextlib
import dataclasses
import datetime
import heapq
import importlib
import itertools
import pkgutil
from collections.abc import Callable
from unittest import mock

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from financing.models import ChannelCapacity, FinancingChannel
from governance.management.commands.setup_roles import setup_roles
from governance.models import (
    BudgetCycle,
    DecisionOutcome,
    Notification,
    Phase,
    Recommendation,
)
from governance.services import notifications as notification_service
from governance.services.cycles import cycle_update_phases
from governance.services.decisions import meeting_create
from governance.services.prioritisation import assessment_save, prioritisation_publish
from governance.services.workflow import (
    case_complete,
    case_decide,
    case_qualify,
    case_return,
    case_start,
    case_submit,
    case_withdraw,
    cases_forward,
)
from portfolio.models import CaseState, Department, InvestmentCase, Role, User
from portfolio.services import CASE_FORM_FIELDS, CaseData, case_create
from strategy.models import Ambition, Potential, Principle, Strategy, Theme, ThemeGoal

from . import data

CHANGE_REASON = "Demodata"
ECONOMY_YEARS = (2027, 2028, 2029, 2030, None)  # None: the permanent (varig) effect
DAY = datetime.timedelta(days=1)
# The states of the cases that went through the published prioritisation.
FIRST_ROUND = {
    CaseState.PRIORITISED, CaseState.NOT_RECOMMENDED, CaseState.FORWARDED,
    CaseState.APPROVED, CaseState.REJECTED, CaseState.DEFERRED,
    CaseState.IN_PROGRESS, CaseState.COMPLETED,
}
DECIDED = {
    CaseState.APPROVED, CaseState.REJECTED, CaseState.DEFERRED,
    CaseState.IN_PROGRESS, CaseState.COMPLETED,
}


def upsert(model, lookup: dict, values: dict, *, actor=None, at=None):
    """The row with ``lookup``, created or brought to ``values``.

    Saves only when something differs, so that running the seed again adds no
    history. ``at`` dates the history row.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
    elif all(getattr(obj, field) == value for field, value in values.items()):
        return obj
    else:
        for field, value in values.items():
            setattr(obj, field, value)
    obj._change_reason = CHANGE_REASON
    if actor is not None:
        obj._history_user = actor
    if at is not None:
        obj._history_date = at
    obj.full_clean()
    obj.save()
    return obj


class Clock:
    """``timezone.now()`` while the story is played: the moment it is set to."""

    def __init__(self, moment: datetime.datetime):
        self.moment = moment

    def __call__(self) -> datetime.datetime:
        return self.moment


@contextlib.contextmanager
def quiet_notifications(clock=None):
    """The notifications demo data causes stay in the app, unmailed: each is dated when
    it was caused (``clock``'s moment, else now) and marked as e-mailed then, so that
    neither the task nor the sweeper of unsent mail sends the demo's mail."""
    caused: list[tuple[int, datetime.datetime]] = []

    def queue_email(notification_id, *args, **kwargs):
        caused.append((notification_id, clock() if clock else timezone.now()))

    if not hasattr(notification_service, "_queue_email"):
        yield
        return
    with mock.patch.object(notification_service, "_queue_email", queue_email):
        yield
    for notification_id, moment in caused:
        Notification.objects.filter(pk=notification_id).update(
            created_at=moment, emailed_at=moment
        )


@contextlib.contextmanager
def fixed_clock(moment: datetime.datetime):
    """Fix ``django.utils.timezone.now`` (and so ``localdate``, history dates,
    ``auto_now`` fields and the services' own clocks) until the block ends.

    The e-mails of the notifications the story causes are not sent: they belong
    to the past (``quiet_notifications``).
    """
    clock = Clock(moment)
    with mock.patch("django.utils.timezone.now", clock), quiet_notifications(clock):
        yield clock


@dataclasses.dataclass(order=True)
class Step:
    """One thing that happened in the story, at ``at``; ``order`` breaks ties."""

    at: datetime.datetime
    order: int
    do: Callable = dataclasses.field(compare=False)


class Seeder:
    """Writes the demo data; every step can run again without adding rows."""

    def __init__(self, *, now: datetime.datetime, stdout=None):
        self.now = now
        self.today = timezone.localdate(now)
        self.stdout = stdout
        self.created_cases = 0
        self.cases: dict[str, InvestmentCase] = {}
        self.meetings = {}

    def run(self) -> None:
        setup_roles()
        self.seed_strategy()
        self.seed_departments()
        self.seed_users()
        self.seed_channels()
        fresh = not BudgetCycle.objects.filter(budget_year=data.BUDGET_YEAR).exists()
        self.seed_cycle(
            data.story_phase_windows(self.today) if fresh else None,
            at=self.at(-120) if fresh else None,
        )
        if not InvestmentCase.objects.filter(
            cycle=self.cycle, title__in=[c["title"] for c in data.CASES]
        ).exists():
            self.play_story()
        self.move_phases_to_today()

    # -- master data: brought back to the demo values on every run

    def seed_strategy(self) -> None:
        strategy = upsert(
            Strategy,
            {"name": data.STRATEGY["name"]},
            {k: v for k, v in data.STRATEGY.items() if k != "name"},
        )
        self.themes = {}
        for number, name, headline, goals in data.THEMES:
            theme = upsert(
                Theme, {"strategy": strategy, "number": number},
                {"name": name, "headline": headline},
            )
            self.themes[number] = theme
            for order, text in enumerate(goals, start=1):
                upsert(ThemeGoal, {"theme": theme, "order": order}, {"text": text})
        self.principles = {
            number: upsert(Principle, {"number": number}, {"name": name, "description": text})
            for number, name, text in data.PRINCIPLES
        }
        for number, name, text in data.AMBITIONS:
            upsert(Ambition, {"number": number}, {"name": name, "description": text})
        self.potentials = {
            number: upsert(Potential, {"number": number}, {"name": name, "description": text})
            for number, name, text in data.POTENTIALS
        }

    def seed_departments(self) -> None:
        self.departments = {
            code: upsert(Department, {"code": code}, {"name": name, "note_prefix": prefix})
            for code, name, prefix in data.DEPARTMENTS
        }

    def seed_users(self) -> None:
        """One demo user per role; the demo password is set only on a new user."""
        groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
        self.users = {}
        self.it_leads = {}
        demo_hash = None
        for username, first, last, department, role in data.USERS:
            values = {
                "first_name": first,
                "last_name": last,
                "email": data.email_for(username),
                "department": self.departments[department] if department else None,
                "is_active": True,
                "is_staff": role == Role.SECRETARIAT,
            }
            if not User.objects.filter(username=username).exists():
                # One hash for all: the demo password is the same for everyone,
                # and hashing is slow on purpose.
                demo_hash = demo_hash or make_password(data.DEMO_PASSWORD)
                values["password"] = demo_hash
            user = upsert(User, {"username": username}, values)
            if set(user.groups.values_list("name", flat=True)) != {role}:
                user.groups.set([groups[role]])
            self.users.setdefault(role, user)
            if role == Role.DEPARTMENT_IT_LEAD:
                self.it_leads[department] = user
        self.staff = {
            department: user
            for username, _, _, department, role in data.USERS
            if role == Role.DEPARTMENT_STAFF
            for user in [User.objects.get(username=username)]
        }

    def seed_channels(self) -> None:
        for channel_data in data.CHANNELS:
            kind = channel_data["kind"]
            channel = upsert(
                FinancingChannel,
                {"kind": kind},
                {k: v for k, v in channel_data.items() if k != "kind"},
            )
            for year, amount in data.CAPACITIES[kind].items():
                upsert(
                    ChannelCapacity,
                    {"channel": channel, "year": year},
                    {
                        "amount": amount,
                        "price_year": data.PRICE_YEAR,
                        "is_demo": True,
                        "note": data.CAPACITY_NOTE,
                    },
                )

    def seed_cycle(self, windows=None, *, at=None) -> None:
        """Budget 2027 and its phases (by default the demo's windows of the day); a phase
        the cycle lacks is added, the dates of the others are left to
        ``move_phases_to_today``."""
        secretariat = self.users[Role.SECRETARIAT]
        self.cycle = upsert(
            BudgetCycle, {"budget_year": data.BUDGET_YEAR}, {}, actor=secretariat, at=at
        )
        self.phase_windows = data.demo_phase_windows(self.today)
        existing = set(self.cycle.phases.values_list("kind", flat=True))
        for kind, starts_on, ends_on in windows or self.phase_windows:
            if kind not in existing:
                upsert(
                    Phase,
                    {"cycle": self.cycle, "kind": kind},
                    {"starts_on": starts_on, "ends_on": ends_on},
                    actor=secretariat,
                    at=at,
                )

    def move_phases_to_today(self) -> None:
        """The secretariat dates the phases so that the intake is open today, as the
        cycle page would; a schedule the page refuses (at the very end of the year)
        is written as it is."""
        secretariat = self.users[Role.SECRETARIAT]
        dates = {kind: (starts_on, ends_on) for kind, starts_on, ends_on in self.phase_windows}
        try:
            with transaction.atomic():
                cycle_update_phases(actor=secretariat, cycle=self.cycle, dates=dates)
        except ValidationError:
            for kind, (starts_on, ends_on) in dates.items():
                upsert(
                    Phase,
                    {"cycle": self.cycle, "kind": kind},
                    {"starts_on": starts_on, "ends_on": ends_on},
                    actor=secretariat,
                )

    # -- the story, played once on a fixed clock

    def at(self, days: int, minutes: int = 0) -> datetime.datetime:
        """Nine in the morning ``days`` from today, plus ``minutes``."""
        return timezone.make_aware(
            datetime.datetime.combine(self.today + days * DAY, datetime.time(9))
        ) + datetime.timedelta(minutes=minutes)

    @staticmethod
    def meeting_time(held_on: datetime.date) -> datetime.datetime:
        """Two o'clock on the meeting's day: when the secretariat records the decisions."""
        return timezone.make_aware(datetime.datetime.combine(held_on, datetime.time(14)))

    def decided_meeting_date(self) -> datetime.date:
        return self.today - datetime.timedelta(days=data.DECIDED_MEETING_DAYS_AGO)

    def play_story(self) -> None:
        steps: list[Step] = []
        counter = itertools.count()

        def step(at, do):
            heapq.heappush(steps, Step(at, next(counter), do))

        secretariat = self.users[Role.SECRETARIAT]
        decided_on = self.decided_meeting_date()
        agenda_on = data.agenda_meeting_date(self.phase_windows)
        step(self.at(-35), lambda: self.register_meeting(data.DECIDED_MEETING_TITLE, decided_on))
        step(self.at(-5), lambda: self.register_meeting(data.AGENDA_MEETING_TITLE, agenda_on))
        step(self.at(-50), lambda: prioritisation_publish(actor=secretariat, cycle=self.cycle))
        decided = [c["title"] for c in data.CASES if c["state"] in DECIDED]
        waiting = [c["title"] for c in data.CASES if c["state"] == CaseState.FORWARDED]
        forwarded_at = self.meeting_time(decided_on) - DAY * data.FORWARDED_DAYS_BEFORE_MEETING
        step(forwarded_at, lambda: self.forward(decided, data.DECIDED_MEETING_TITLE))
        step(self.at(-2), lambda: self.forward(waiting, data.AGENDA_MEETING_TITLE))
        rank = itertools.count(1)
        for index, case_data in enumerate(data.CASES):
            for at, do in self.case_steps(index, case_data, rank):
                step(at, do)
        with fixed_clock(steps[0].at) as clock:
            while steps:
                current = heapq.heappop(steps)
                clock.moment = current.at
                current.do()

    def case_steps(self, index: int, case_data: dict, rank):
        """When each of the case's own steps is taken, and what it is."""
        title, state = case_data["title"], case_data["state"]
        path = data.state_path(state, case_data.get("returned_once", False))
        comments = {
            s: case_data.get("comments", {}).get(s, data.DEFAULT_COMMENTS.get(s, ""))
            for s in path[1:]
        }
        m = 37 * index  # minutes: the cases are not all written at the same moment
        lead = self.it_leads[case_data["department"]]
        secretariat = self.users[Role.SECRETARIAT]

        def submit():
            case_submit(actor=lead, case_pk=self.cases[title].pk,
                        comment=comments[CaseState.SUBMITTED])

        def give_back():
            case_return(actor=secretariat, case_pk=self.cases[title].pk,
                        comment=comments[CaseState.RETURNED])

        def qualify():
            case_qualify(actor=secretariat, case_pk=self.cases[title].pk,
                         comment=comments[CaseState.QUALIFIED])

        if state in FIRST_ROUND:
            created, submitted, qualified = -95, -90, -72
            returned, resubmitted = -78, -76
        elif state == CaseState.QUALIFIED:
            created, submitted, qualified = -60, -48, -42
            returned, resubmitted = -45, -44
        elif state == CaseState.RETURNED:
            created, submitted, returned = -60, -48, -41
        elif state == CaseState.WITHDRAWN:
            created, submitted = -30, -25
        elif state == CaseState.SUBMITTED:
            created, submitted = -20, -8
        else:  # a draft
            created = -6
        yield self.at(created, m), lambda: self.write_case(index, case_data)
        if state == CaseState.DRAFT:
            return
        yield self.at(submitted, m), submit
        if state == CaseState.WITHDRAWN:
            yield self.at(-20, m), lambda: case_withdraw(
                actor=lead, case_pk=self.cases[title].pk, comment=comments[CaseState.WITHDRAWN]
            )
            return
        if state == CaseState.SUBMITTED:
            return
        if state == CaseState.RETURNED:
            yield self.at(returned, m), give_back
            return
        if case_data.get("returned_once"):
            yield self.at(returned, m), give_back
            yield self.at(resubmitted, m), submit
        yield self.at(qualified, m), qualify
        if state == CaseState.QUALIFIED:
            return
        # The IT directors' assessment, before the prioritisation is published; its
        # reason is what the publication writes on the timeline.
        if CaseState.NOT_RECOMMENDED in path:
            recommendation, reason, place = (
                Recommendation.NOT_RECOMMENDED, comments[CaseState.NOT_RECOMMENDED], None
            )
        else:
            recommendation, reason, place = (
                Recommendation.PRIORITISE, comments[CaseState.PRIORITISED], next(rank)
            )
        director = self.users[Role.IT_DIRECTORS]
        yield self.at(-58, m), lambda: assessment_save(
            actor=director,
            case_pk=self.cases[title].pk,
            score=2 if recommendation == Recommendation.NOT_RECOMMENDED else 3 + index % 3,
            rank=place,
            recommendation=recommendation,
            reason=reason,
        )
        outcome = next((s for s in path if s in DecisionOutcome.values), None)
        if outcome is None:
            return
        decided_at = self.meeting_time(self.decided_meeting_date()) + datetime.timedelta(
            minutes=m // 8
        )
        yield decided_at, lambda: case_decide(
            actor=secretariat,
            case_pk=self.cases[title].pk,
            meeting=self.meetings[data.DECIDED_MEETING_TITLE],
            outcome=outcome,
            text=comments[outcome],
        )
        if CaseState.IN_PROGRESS in path:
            yield self.at(-7, m), lambda: case_start(
                actor=lead, case_pk=self.cases[title].pk, comment=comments[CaseState.IN_PROGRESS]
            )
        if CaseState.COMPLETED in path:
            yield self.at(-3, m), lambda: case_complete(
                actor=lead, case_pk=self.cases[title].pk, comment=comments[CaseState.COMPLETED]
            )

    def write_case(self, index: int, case_data: dict) -> InvestmentCase:
        """The case as its department wrote it in the case form."""
        department = case_data["department"]
        author = self.staff.get(department) or self.it_leads[department]
        contact_name, contact_email = case_data["contact"]
        values = {
            **case_data,
            "contact_name": contact_name,
            "contact_email": contact_email,
            "depends_on_it_service_centres": case_data.get(
                "depends_on_it_service_centres", False
            ),
            "green_text": case_data.get("green_text", ""),
        }
        economy = {}
        for kind, amounts in case_data["economy"].items():
            for year, amount in zip(ECONOMY_YEARS, amounts, strict=True):
                if amount:
                    economy[(kind, year)] = amount
        case = case_create(
            actor=author,
            cycle=self.cycle,
            data=CaseData(
                fields={name: values[name] for name in CASE_FORM_FIELDS},
                participating_departments=[
                    self.departments[code].pk for code in case_data["participants"]
                ],
                themes=[self.themes[n].pk for n in case_data["themes"]],
                potentials=[self.potentials[n].pk for n in case_data["potentials"]],
                principles={
                    self.principles[number].pk: text
                    for number, text in case_data["principles"].items()
                },
                economy=economy,
            ),
        )
        self.cases[case_data["title"]] = case
        self.created_cases += 1
        return case

    def register_meeting(self, title: str, held_on: datetime.date) -> None:
        self.meetings[title] = meeting_create(
            actor=self.users[Role.SECRETARIAT], cycle=self.cycle, held_on=held_on, title=title
        )

    def forward(self, titles: list[str], meeting_title: str) -> None:
        if titles:
            cases_forward(
                actor=self.users[Role.SECRETARIAT],
                case_pks=[self.cases[title].pk for title in titles],
                meeting=self.meetings[meeting_title],
            )


# -- the areas' demo data ----------------------------------------------------------------


def area_modules() -> list[str]:
    """The modules ``kkdigital/demo/area_*.py``, in file-name order."""
    package = importlib.import_module(__package__)
    return sorted(
        f"{__package__}.{info.name}"
        for info in pkgutil.iter_modules(package.__path__)
        if info.name.startswith("area_") and not info.ispkg
    )


def seed_areas(*, today: datetime.date, log: Callable[[str], None]) -> list[str]:
    """Call each area module's ``seed(today=..., log=...)`` after the base demo, each in
    its own transaction, with its notifications kept in the app and not mailed;
    returns the modules' names."""
    names = area_modules()
    for name in names:
        module = importlib.import_module(name)
        with (
            transaction.atomic(),
            translation.override(settings.LANGUAGE_CODE),
            quiet_notifications(),
        ):
            module.seed(today=today, log=log)
    return names
