"""Seed the demo: strategy frame, departments, channels, the Budget 2027 cycle,
demo users and about 25 cases with their economy, timelines, assessments and
the Economic Committee's meetings and decisions."""

import datetime

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone, translation

from financing.models import ChannelCapacity, FinancingChannel
from governance import demo_data as data
from governance.management.commands.setup_roles import setup_roles
from governance.models import (
    Assessment,
    BudgetCycle,
    CaseTransition,
    CommitteeMeeting,
    Decision,
    DecisionOutcome,
    Phase,
    Recommendation,
)
from governance.workflow import table
from portfolio.models import (
    CaseEconomyLine,
    CasePrinciple,
    CaseState,
    Department,
    InvestmentCase,
    Role,
    User,
)
from strategy.models import Ambition, Potential, Principle, Strategy, Theme, ThemeGoal

CHANGE_REASON = "Demodata"
ECONOMY_YEARS = (2027, 2028, 2029, 2030, None)  # None: the permanent (varig) effect


def upsert(model, lookup: dict, values: dict, *, actor=None, at=None):
    """The row with ``lookup``, created or brought to ``values``.

    Saves only when something differs, so that running the seed again adds no
    history. ``at`` dates the history row (the case's story is in the past).
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


class Seeder:
    """Writes the demo data; every step can run again without adding rows."""

    def __init__(self, *, now: datetime.datetime, stdout=None):
        self.now = now
        self.today = timezone.localdate(now)
        self.stdout = stdout
        self.created_cases = 0
        self.meetings = {}

    def run(self) -> None:
        setup_roles()
        self.seed_strategy()
        self.seed_departments()
        self.seed_users()
        self.seed_channels()
        self.seed_cycle()
        self.seed_cases()

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

    def seed_cycle(self) -> None:
        """Budget 2027 with demo phases: the intake is open on the day the seed runs."""
        self.cycle = upsert(BudgetCycle, {"budget_year": data.BUDGET_YEAR}, {})
        self.phase_windows = data.demo_phase_windows(self.today)
        for kind, starts_on, ends_on in self.phase_windows:
            upsert(
                Phase,
                {"cycle": self.cycle, "kind": kind},
                {"starts_on": starts_on, "ends_on": ends_on},
            )

    # -- cases: created once, then left to the people playing the demo

    def seed_cases(self) -> None:
        for index, case_data in enumerate(data.CASES):
            if InvestmentCase.objects.filter(
                cycle=self.cycle, title=case_data["title"]
            ).exists():
                continue
            self.create_case(index, case_data)
            self.created_cases += 1

    def create_case(self, index: int, case_data: dict) -> InvestmentCase:
        department = case_data["department"]
        author = self.staff.get(department) or self.it_leads[department]
        path = data.state_path(case_data["state"], case_data.get("returned_once", False))
        step_times = self.step_times(index, path)
        created_at = (step_times[0] if step_times else self.now) - datetime.timedelta(days=6)

        contact_name, contact_email = case_data["contact"]
        case = InvestmentCase(
            title=case_data["title"],
            summary=case_data["summary"],
            background=case_data["background"],
            solution=case_data["solution"],
            department=self.departments[department],
            scope=case_data["scope"],
            case_type=case_data["case_type"],
            contact_name=contact_name,
            contact_email=contact_email,
            risk_level=case_data["risk_level"],
            risk_text=case_data["risk_text"],
            dependencies=case_data["dependencies"],
            depends_on_it_service_centres=case_data.get("depends_on_it_service_centres", False),
            green_requirements=case_data["green_requirements"],
            green_text=case_data.get("green_text", ""),
            state=case_data["state"],
            cycle=self.cycle,
            price_year=data.PRICE_YEAR,
            created_by=author,
        )
        case._history_user = author
        case._history_date = created_at
        case._change_reason = CHANGE_REASON
        case.full_clean()
        case.save()
        InvestmentCase.objects.filter(pk=case.pk).update(created_at=created_at)

        case.participating_departments.set(
            [self.departments[code] for code in case_data["participants"]]
        )
        case.themes.set([self.themes[n] for n in case_data["themes"]])
        case.potentials.set([self.potentials[n] for n in case_data["potentials"]])
        for number, justification in case_data["principles"].items():
            upsert(
                CasePrinciple,
                {"case": case, "principle": self.principles[number]},
                {"justification": justification},
                actor=author,
                at=created_at,
            )
        for kind, amounts in case_data["economy"].items():
            for year, amount in zip(ECONOMY_YEARS, amounts, strict=True):
                if amount:
                    upsert(
                        CaseEconomyLine,
                        {"case": case, "kind": kind, "year": year},
                        {"amount": amount},
                        actor=author,
                        at=created_at,
                    )
        comments = self.timeline_comments(path, case_data.get("comments", {}))
        transitions = self.create_timeline(case, path, step_times, comments)
        if CaseState.QUALIFIED in path:
            self.create_assessment(case, index, path, comments)
        self.create_meeting_records(case, path, transitions)
        return case

    def step_times(self, index: int, path: list[str]) -> list[datetime.datetime]:
        """When each step of ``path`` after the draft was taken.

        The timeline ends a day ago and each step came a few days after the last.
        A case decided by the committee was forwarded a few days before the
        decided meeting and decided on its day; its later steps (started,
        completed) come between the meeting and a day ago.
        """
        offset = datetime.timedelta(minutes=37 * index)
        day = datetime.timedelta(days=1)
        steps = path[1:]
        ending_a_day_ago = [
            self.now - offset - day * (1 + 4 * (len(steps) - 1 - i)) for i in range(len(steps))
        ]
        decided = [i for i, state in enumerate(steps) if state in DecisionOutcome.values]
        if not decided:
            return ending_a_day_ago
        at = decided[0]
        # Recorded in the afternoon of the meeting, one case after the other.
        decided_at = self.meeting_time(self.decided_meeting_date()) + offset / 8
        forwarded_at = decided_at - day * data.FORWARDED_DAYS_BEFORE_MEETING
        before = [forwarded_at - day * 4 * (at - 1 - i) for i in range(at)]
        return [*before, decided_at, *ending_a_day_ago[at + 1 :]]

    def decided_meeting_date(self) -> datetime.date:
        return self.today - datetime.timedelta(days=data.DECIDED_MEETING_DAYS_AGO)

    @staticmethod
    def meeting_time(held_on: datetime.date) -> datetime.datetime:
        """Two o'clock on the meeting's day: when the secretariat records the decisions."""
        return timezone.make_aware(datetime.datetime.combine(held_on, datetime.time(14)))

    def meeting(self, title: str, held_on: datetime.date) -> CommitteeMeeting:
        """The demo meeting called ``title``, registered by the secretariat a few
        weeks before it was held; created once, then left as the demo leaves it."""
        if title not in self.meetings:
            meeting = CommitteeMeeting.objects.filter(cycle=self.cycle, title=title).first()
            if meeting is None:
                secretariat = self.users[Role.SECRETARIAT]
                # Before any case is forwarded to it (the last a day ago).
                registered_at = min(
                    self.meeting_time(held_on) - datetime.timedelta(days=21),
                    self.now - datetime.timedelta(days=3),
                )
                meeting = CommitteeMeeting(
                    cycle=self.cycle, held_on=held_on, title=title, created_by=secretariat
                )
                meeting.full_clean()
                meeting._history_user = secretariat
                meeting._history_date = registered_at
                meeting._change_reason = CHANGE_REASON
                meeting.save()
                CommitteeMeeting.objects.filter(pk=meeting.pk).update(created_at=registered_at)
            self.meetings[title] = meeting
        return self.meetings[title]

    def meeting_for(self, path: list[str]) -> CommitteeMeeting | None:
        """The meeting a case on ``path`` was forwarded to, if it was."""
        if CaseState.FORWARDED not in path:
            return None
        if path[-1] == CaseState.FORWARDED:
            return self.meeting(
                data.AGENDA_MEETING_TITLE, data.agenda_meeting_date(self.phase_windows)
            )
        return self.meeting(data.DECIDED_MEETING_TITLE, self.decided_meeting_date())

    def timeline_comments(self, path: list[str], comments: dict) -> dict:
        """Each step's comment: the case's own, else the default; forwarding names
        the meeting, as ``cases_forward`` does."""
        result = {state: comments.get(state, data.DEFAULT_COMMENTS[state]) for state in path[1:]}
        meeting = self.meeting_for(path)
        if meeting is not None:
            with translation.override(settings.LANGUAGE_CODE):
                result[CaseState.FORWARDED] = str(meeting)
        return result

    def create_assessment(self, case, index: int, path: list[str], comments: dict) -> None:
        """The IT directors' assessment, unpublished.

        The cases qualified before the demo starts are assessed, so that the
        prioritisation can be published once a case qualified in the demo is
        assessed too (publishing needs every qualified case assessed). The cases
        the directors recommended or not have the assessment whose reason their
        timeline gives, as ``prioritisation_publish`` writes it.
        """
        director = self.users[Role.IT_DIRECTORS]
        if CaseState.NOT_RECOMMENDED in path:
            recommendation = Recommendation.NOT_RECOMMENDED
            reason = comments[CaseState.NOT_RECOMMENDED]
        elif CaseState.PRIORITISED in path:
            recommendation = Recommendation.PRIORITISE
            reason = comments[CaseState.PRIORITISED]
        else:
            recommendation = Recommendation.PRIORITISE
            reason = data.DEMO_ASSESSMENT_REASON
        assessment = Assessment(
            case=case,
            score=(2 if recommendation == Recommendation.NOT_RECOMMENDED else 3 + index % 3),
            recommendation=recommendation,
            reason=reason,
            assessed_by=director,
        )
        assessment.full_clean()
        assessment._history_user = director
        assessment._change_reason = CHANGE_REASON
        assessment.save()

    def create_meeting_records(self, case, path, transitions: list[CaseTransition]) -> None:
        """The case on its meeting's agenda and the committee's decision on it,
        shaped as ``cases_forward`` and ``case_decide`` leave them."""
        meeting = self.meeting_for(path)
        if meeting is None:
            return
        secretariat = self.users[Role.SECRETARIAT]
        if not meeting.cases.filter(pk=case.pk).exists():
            meeting.cases.add(case)
        for record in transitions:
            if record.to_state not in DecisionOutcome.values:
                continue
            decision = Decision(
                case=case,
                meeting=meeting,
                outcome=record.to_state,
                text=record.comment,
                decided_on=meeting.held_on,
                recorded_by=secretariat,
                recorded_at=record.created_at,
            )
            decision.full_clean()
            decision._history_user = secretariat
            decision._history_date = record.created_at
            decision._change_reason = CHANGE_REASON
            decision.save()

    def create_timeline(self, case, path, step_times, comments) -> list[CaseTransition]:
        """The transitions from draft to the case's state, by people of the right role."""
        records = []
        for (from_state, to_state), created_at in zip(
            zip(path, path[1:], strict=False), step_times, strict=True
        ):
            if not table.is_transition(from_state, to_state):
                raise CommandError(
                    f"Demo case {case.title!r}: {from_state} → {to_state} is not a transition."
                )
            role = data.ACTOR_FOR_STATE[to_state]
            if role == Role.DEPARTMENT_IT_LEAD:
                actor = self.it_leads[case.department.code]
            else:
                actor = self.users[role]
            record, _created = CaseTransition.objects.get_or_create(
                case=case,
                from_state=from_state,
                to_state=to_state,
                defaults={
                    "actor": actor,
                    "comment": comments[to_state],
                    "created_at": created_at,
                },
            )
            records.append(record)
        return records


class Command(BaseCommand):
    help = (
        "Seed the demo: the KK digitalisation strategy 2024–2027 (six themes and their goal "
        "statements), the three principles, three ambitions and four potentials, the seven "
        "departments, the three financing channels with demo capacities 2027–2030 (marked "
        "'Demotal'), the 'Budget 2027' cycle, one demo user per role (password "
        f"'{data.DEMO_PASSWORD}') and about 25 demo cases with economy and timelines, the "
        "directors' unpublished assessments, and two Economic Committee meetings: one past "
        "with the decisions on the decided cases, one in the budget negotiations with the "
        "forwarded cases on its agenda. "
        "The demo phases are dated from the day the command runs: the intake is open today "
        "(from 21 days ago to 30 days ahead) and qualification, prioritisation, transfer "
        "case, budget negotiations and the follow-ups come one after the other after it. "
        "Idempotent: master data, users and phases are brought back to the demo values; "
        "cases are created once and then left as the demo leaves them. Refuses to run with "
        "DEBUG=0 unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even when DEBUG is off (never on a production database).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo writes demo users with a known password and refuses to run with "
                "DEBUG=0. Use --force if this really is a demo installation."
            )
        seeder = Seeder(now=timezone.now())
        with transaction.atomic():
            seeder.run()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo seeded: {InvestmentCase.objects.count()} cases "
                f"({seeder.created_cases} new), {User.objects.count()} users. "
                f"Log in with a demo user and the password '{data.DEMO_PASSWORD}'."
            )
        )
