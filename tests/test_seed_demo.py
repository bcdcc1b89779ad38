"""seed_demo: the demo data, written idempotently and never in production by accident."""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone, translation

from governance.models import (
    BudgetCycle,
    CaseTransition,
    CommitteeMeeting,
    Decision,
    DecisionOutcome,
    Phase,
    PhaseKind,
)
from governance.services.cycles import phase_schedule_problems
from governance.workflow import table
from kkdigital.demo import data as demo_data
from portfolio.models import CaseState, Department, InvestmentCase, Role, User
from strategy.models import Ambition, Potential, Principle, Strategy

APPS = ("strategy", "portfolio", "financing", "governance", "auth")
# The base demo's cases; the areas' demo modules (kkdigital/demo/area_*.py) add their own.
BASE_TITLES = [case["title"] for case in demo_data.CASES]


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # Password hashing is slow on purpose; the seed creates many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def row_counts() -> dict[str, int]:
    counts = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            counts[model._meta.label] = model.objects.count()
    return counts


@pytest.mark.django_db
def test_it_gives_the_same_rows_when_run_twice(fast_hashing, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    first = row_counts()
    call_command("seed_demo", verbosity=0)
    assert row_counts() == first
    assert first["portfolio.InvestmentCase"] >= 25
    assert first["governance.CommitteeMeeting"] == 2
    assert first["governance.Decision"] >= 5
    titles = list(InvestmentCase.objects.values_list("title", flat=True))
    assert len(titles) == len(set(titles))


@pytest.mark.django_db
def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=0"):
        call_command("seed_demo", verbosity=0)
    assert not InvestmentCase.objects.exists()


@pytest.mark.django_db
def test_it_runs_with_debug_off_when_forced(fast_hashing, settings):
    settings.DEBUG = False
    call_command("seed_demo", "--force", verbosity=0)
    assert InvestmentCase.objects.exists()


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    """The demo, seeded once for the tests of this file (a seed takes seconds), and
    removed after them; each test's own changes are rolled back as usual."""
    with django_db_blocker.unblock():
        try:
            with override_settings(
                DEBUG=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
            ):
                call_command("seed_demo", verbosity=0)
            yield
        finally:
            # Also when the seed failed: the rows it committed must not reach later tests.
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def seeded(_seeded_once, db):
    return None


def test_the_strategy_has_six_themes_each_with_goals(seeded):
    strategy = Strategy.objects.get(name="Digitaliseringsstrategi 2024–2027")
    assert strategy.vision == "Digitalisering skaber et bedre københavnerliv"
    assert str(strategy.approved_on) == "2024-02-01"
    names = [t.name for t in strategy.themes.order_by("number")]
    assert names == ["Arbejdskraft", "Brugervenlighed", "Klima", "Kompetencer", "Data", "Styring"]
    for theme in strategy.themes.all():
        assert theme.headline.startswith("Københavns Kommune")
        assert theme.goals.count() >= 2


def test_the_frame_has_three_principles_three_ambitions_and_four_potentials(seeded):
    assert Principle.objects.count() == 3
    assert Ambition.objects.count() == 3
    assert Potential.objects.count() == 4
    assert Principle.objects.get(number=1).name == "Værdi ved at investere ”fælles først”"


def test_the_seven_departments_have_their_codes_and_prefixes(seeded):
    assert dict(Department.objects.values_list("code", "note_prefix")) == {
        "OKF": "ØK", "KFF": "KF", "BUF": "BU", "SUF": "SU", "SOF": "SO", "TMF": "TM", "BIF": "BI",
    }


def test_each_role_has_a_demo_user_who_can_log_in(seeded, client):
    for role in Role:
        user = User.objects.filter(groups__name=role).first()
        assert user is not None, role
        assert user.email.endswith("@kk.dk")
        assert user.check_password(demo_data.DEMO_PASSWORD)
    for code in ("BIF", "SUF", "OKF"):
        for role in (Role.DEPARTMENT_STAFF, Role.DEPARTMENT_IT_LEAD):
            assert User.objects.filter(department__code=code, groups__name=role).exists()
    secretariat = User.objects.get(groups__name=Role.SECRETARIAT)
    assert secretariat.is_staff
    assert not User.objects.filter(is_staff=True).exclude(groups__name=Role.SECRETARIAT).exists()


def test_the_intake_is_open_today_and_the_other_phases_follow(seeded):
    cycle = BudgetCycle.objects.get(budget_year=2027)
    assert BudgetCycle.objects.current() == cycle
    assert cycle.is_phase_open(PhaseKind.INTAKE)
    phases = list(cycle.phases.order_by("starts_on"))
    assert phases[0].kind == PhaseKind.INTAKE
    for earlier, later in zip(phases, phases[1:], strict=False):
        assert earlier.ends_on < later.starts_on
    assert cycle.open_phases() == [phases[0]]


@pytest.mark.parametrize(
    "today",
    [datetime.date(2026, 3, 1), datetime.date(2026, 11, 22), datetime.date(2026, 12, 27)],
)
def test_the_demo_phases_are_a_schedule_the_secretariat_can_save(today):
    # The secretariat moves the phases on the cycle page to play a case through;
    # the page refuses a schedule whose budget negotiations run into the budget year.
    windows = demo_data.demo_phase_windows(today)
    dates = {kind: (starts, ends) for kind, starts, ends in windows}
    assert phase_schedule_problems(demo_data.BUDGET_YEAR, dates) == {}
    intake_starts, intake_ends = dates[PhaseKind.INTAKE]
    assert intake_starts <= today <= intake_ends
    assert [kind for kind, _starts, _ends in windows] == [
        *(kind for kind, _start, _end in demo_data.DEMO_PHASE_OFFSETS),
        PhaseKind.FOLLOW_UP_MAY,
        PhaseKind.FOLLOW_UP_NOVEMBER,
    ]
    # The follow-ups are in the months they are named after, in the budget year.
    assert dates[PhaseKind.FOLLOW_UP_MAY] == (datetime.date(2027, 5, 1), datetime.date(2027, 5, 31))
    assert dates[PhaseKind.FOLLOW_UP_NOVEMBER] == (
        datetime.date(2027, 11, 1), datetime.date(2027, 11, 30)
    )
    for (_kind, _starts, ends), (_later, starts, _ends) in zip(windows, windows[1:], strict=False):
        assert ends < starts


def test_the_prioritisation_was_published_and_the_cases_qualified_since_await_scores(seeded):
    from governance.board.models import BoardPublication, Score

    publication = BoardPublication.objects.filter(cycle__budget_year=2027).order_by(
        "number"
    ).first()
    assert publication.published_by.username == "anne.jeppesen"
    assert publication.published_at < timezone.now()
    past = InvestmentCase.objects.filter(
        title__in=BASE_TITLES,
        state__in=(CaseState.PRIORITISED, CaseState.NOT_RECOMMENDED, CaseState.FORWARDED,
                   *DECIDED_STATES),
    )
    for case in past:
        scores = Score.objects.filter(case=case, director__username="birgitte.hansen")
        assert scores.exists(), case.title
        assert min(s.scored_at for s in scores) < publication.published_at
        published = case.transitions.get(
            to_state__in=(CaseState.PRIORITISED, CaseState.NOT_RECOMMENDED)
        )
        assert published.created_at == publication.published_at
    # Qualified after the publication: for a supplementary round.
    qualified = InvestmentCase.objects.filter(title__in=BASE_TITLES, state=CaseState.QUALIFIED)
    assert qualified.count() == 3
    for case in qualified:
        step = case.transitions.get(to_state=CaseState.QUALIFIED)
        assert step.created_at > publication.published_at


def test_a_seeded_case_got_its_economy_and_principles_when_it_was_written(seeded):
    # Otherwise every demo timeline would open with the economy "added" today,
    # after the committee's decision.
    for case in InvestmentCase.objects.filter(state=CaseState.APPROVED):
        first_step = case.transitions.order_by("created_at").first().created_at
        dates = [
            *case.economy_lines.model.history.filter(case_id=case.pk).values_list(
                "history_date", flat=True
            ),
            *case.principle_links.model.history.filter(case_id=case.pk).values_list(
                "history_date", flat=True
            ),
        ]
        assert dates and max(dates) < first_step


def test_the_cases_cover_the_states_and_are_complete_once_submitted(seeded):
    states = set(InvestmentCase.objects.values_list("state", flat=True))
    assert states >= {
        CaseState.DRAFT, CaseState.SUBMITTED, CaseState.RETURNED, CaseState.QUALIFIED,
        CaseState.PRIORITISED, CaseState.NOT_RECOMMENDED, CaseState.FORWARDED,
        CaseState.APPROVED, CaseState.REJECTED, CaseState.DEFERRED, CaseState.IN_PROGRESS,
    }
    for case in InvestmentCase.objects.exclude(state=CaseState.DRAFT):
        assert case.submission_problems() == {}, case.title
    for title in (
        "Nyt fælles tidsregistreringssystem",
        "AI i sagsbehandlingen på løn- og personaleområdet",
        "Videreudvikling af KEJD Dataportal",
        "Fremtidens netværksdækning",
        "Fremtidens digitale jobunivers i Københavns Kommune",
        "Klargøring af digital infrastruktur",
        "Løft af BIFs digitale kompetencer og kultur",
    ):
        assert InvestmentCase.objects.filter(title=title).exists(), title


def test_gains_are_negative_and_costs_positive(seeded):
    case = InvestmentCase.objects.get(title="Nyt fælles tidsregistreringssystem")
    gains = case.economy_lines.filter(kind="gain")
    assert gains.exists() and all(line.amount < 0 for line in gains)
    assert gains.filter(year__isnull=True).exists()  # the permanent effect
    assert all(line.amount > 0 for line in case.economy_lines.exclude(kind="gain"))


def test_each_case_timeline_leads_from_draft_to_its_state_by_the_right_roles(seeded):
    for case in InvestmentCase.objects.filter(title__in=BASE_TITLES).exclude(
        state=CaseState.DRAFT
    ):
        steps = list(case.transitions.order_by("created_at"))
        assert steps[0].from_state == CaseState.DRAFT, case.title
        assert steps[-1].to_state == case.state, case.title
        for step, following in zip(steps, steps[1:], strict=False):
            assert step.to_state == following.from_state
        for step in steps:
            assert step.comment
            role = demo_data.ACTOR_FOR_STATE[step.to_state]
            assert step.actor.has_role(role), (case.title, step)
            if role == Role.DEPARTMENT_IT_LEAD:
                assert step.actor.department_id == case.department_id
    assert not CaseTransition.objects.filter(case__state=CaseState.DRAFT).exists()


def test_the_secretariat_group_holds_admin_permissions_and_others_none(seeded):
    secretariat = Group.objects.get(name=Role.SECRETARIAT)
    codenames = set(secretariat.permissions.values_list("codename", flat=True))
    assert {"change_department", "change_theme", "view_casetransition"} <= codenames
    assert "change_casetransition" not in codenames
    for role in Role:
        if role != Role.SECRETARIAT:
            assert not Group.objects.get(name=role).permissions.exists()


def test_the_channel_capacities_are_marked_as_demo_figures(seeded):
    from financing.models import ChannelCapacity

    assert ChannelCapacity.objects.count() == 12
    assert not ChannelCapacity.objects.exclude(is_demo=True, note="Demotal").exists()


DECIDED_STATES = (
    CaseState.APPROVED, CaseState.REJECTED, CaseState.DEFERRED,
    CaseState.IN_PROGRESS, CaseState.COMPLETED,
)


def test_each_decided_case_has_the_committees_decision_as_case_decide_records_it(seeded):
    meeting = CommitteeMeeting.objects.get(title=demo_data.DECIDED_MEETING_TITLE)
    assert meeting.cycle.budget_year == 2027
    assert meeting.created_by.username == "anne.jeppesen"
    decided = InvestmentCase.objects.filter(state__in=DECIDED_STATES)
    assert set(decided.values_list("state", flat=True)) == set(DECIDED_STATES)
    assert set(meeting.cases.all()) == set(decided)
    for case in decided:
        decision = Decision.objects.get(case=case)
        step = case.transitions.get(to_state__in=DecisionOutcome.values)
        assert decision.meeting == meeting
        assert decision.outcome == step.to_state
        assert decision.text == step.comment
        assert decision.decided_on == meeting.held_on
        assert decision.recorded_by.username == "anne.jeppesen"
        assert decision.recorded_at == step.created_at
        forwarded = case.transitions.get(to_state=CaseState.FORWARDED)
        with translation.override("da"):
            assert forwarded.comment == str(meeting)
        assert timezone.localdate(forwarded.created_at) < meeting.held_on
        assert timezone.localdate(step.created_at) == meeting.held_on
        assert meeting.held_on < timezone.localdate()
    texts = set(Decision.objects.values_list("text", flat=True))
    assert "Indstillingen blev godkendt uden afstemning." in texts
    assert "Udskudt til Budget 2028, når det fælleskommunale udbud er afsluttet." in texts


def test_the_forwarded_cases_await_the_meeting_in_the_budget_negotiations(seeded):
    meeting = CommitteeMeeting.objects.get(title=demo_data.AGENDA_MEETING_TITLE)
    forwarded = InvestmentCase.objects.filter(state=CaseState.FORWARDED)
    assert forwarded.count() >= 2
    assert set(meeting.cases.all()) == set(forwarded)
    assert not meeting.decisions.exists()
    negotiations = meeting.cycle.phases.get(kind=PhaseKind.BUDGET_NEGOTIATIONS)
    assert negotiations.starts_on <= meeting.held_on <= negotiations.ends_on
    for case in forwarded:
        step = case.transitions.get(to_state=CaseState.FORWARDED)
        with translation.override("da"):
            assert step.comment == str(meeting)
        assert meeting.created_at < step.created_at
    assert CommitteeMeeting.objects.count() == 2
    assert not Decision.objects.exclude(case__state__in=DECIDED_STATES).exists()


def test_the_cases_the_directors_prioritised_have_their_published_assessment(seeded):
    from governance.board.models import BoardEntry

    past_qualification = InvestmentCase.objects.filter(
        title__in=BASE_TITLES,
        state__in=(CaseState.PRIORITISED, CaseState.NOT_RECOMMENDED, CaseState.FORWARDED,
                   *DECIDED_STATES),
    )
    for case in past_qualification:
        step = case.transitions.get(
            to_state__in=(CaseState.PRIORITISED, CaseState.NOT_RECOMMENDED)
        )
        entry = BoardEntry.objects.get(case=case)
        assert entry.reason == step.comment, case.title
        assert entry.published_in is not None


# --- a history the rules could have produced ---------------------------------------------

def phases_open_at(cycle, moment) -> set[str]:
    """The phases of ``cycle`` open at ``moment``, as they were dated then (their history)."""
    day = timezone.localdate(moment)
    return {
        phase.kind
        for phase in Phase.history.as_of(moment).filter(cycle_id=cycle.pk)
        if phase.starts_on <= day <= phase.ends_on
    }


def test_every_seeded_transition_is_allowed_by_the_workflow_table(seeded):
    """Each step of the demo is a row of the table, taken by someone the row lets take
    it, inside one of the row's phases as the phases were dated at that moment (no
    reason for acting outside a phase)."""
    transitions = CaseTransition.objects.filter(case__title__in=BASE_TITLES).select_related(
        "case__cycle", "case__department", "actor"
    )
    assert transitions.count() >= 60
    for step in transitions:
        case = step.case
        row = table.row_for(step.from_state, step.to_state)
        assert row is not None, step
        assert step.phase_override_reason == "", step
        as_it_was = InvestmentCase(
            pk=case.pk, state=step.from_state, cycle=case.cycle, department=case.department
        )
        assert row.who(step.actor, as_it_was), (case.title, step, step.actor)
        if row.phases:
            assert phases_open_at(case.cycle, step.created_at) & set(row.phases), (
                case.title, step, step.created_at,
            )
        if row.comment_required is not None:
            assert step.comment.strip(), step


def test_the_story_happened_before_the_secretariat_moved_the_phases_to_today(seeded):
    cycle = BudgetCycle.objects.get(budget_year=2027)
    last_step = (
        CaseTransition.objects.filter(case__title__in=BASE_TITLES).latest("created_at").created_at
    )
    assert last_step < timezone.now()
    moved = Phase.history.filter(cycle_id=cycle.pk, history_type="~")
    assert moved.exists()
    assert {record.history_user.username for record in moved} == {"anne.jeppesen"}
    assert min(record.history_date for record in moved) > last_step


def test_the_notifications_of_the_story_are_dated_then_and_not_mailed_today(seeded):
    from governance.models import Notification

    # No notification of the base story waits to be mailed.
    assert Notification.objects.exists()
    assert not Notification.objects.filter(
        case__title__in=BASE_TITLES, emailed_at__isnull=True
    ).exists()
    story = Notification.objects.filter(
        case__transitions__created_at__lt=timezone.now() - datetime.timedelta(hours=1),
        case__title__in=BASE_TITLES,
    ).distinct()
    assert story.exists()
    transition_times = set(
        CaseTransition.objects.filter(case__title__in=BASE_TITLES).values_list(
            "created_at", flat=True
        )
    )
    dated_then = Notification.objects.filter(created_at__in=transition_times)
    assert dated_then.count() >= CaseTransition.objects.filter(
        case__title__in=BASE_TITLES
    ).count()


def test_the_area_modules_are_found_in_file_name_order(monkeypatch):
    import types

    from kkdigital.demo import seed as demo_seed

    monkeypatch.setattr(
        demo_seed.pkgutil, "iter_modules",
        lambda path: [
            types.SimpleNamespace(name=n, ispkg=False)
            for n in ("area_20_b", "seed", "area_10_a", "data")
        ],
    )
    names = demo_seed.area_modules()
    assert names == ["kkdigital.demo.area_10_a", "kkdigital.demo.area_20_b"]


@pytest.mark.django_db
def test_seed_areas_calls_each_area_with_today_and_the_log(monkeypatch):
    import sys
    import types

    from kkdigital.demo import seed as demo_seed

    calls, logged = [], []
    names = []
    for name in ("area_10_a", "area_20_b"):
        module = types.ModuleType(f"kkdigital.demo.{name}")

        def seed(*, today, log, name=name):
            calls.append((name, today))
            log(f"seeded {name}")

        module.seed = seed
        monkeypatch.setitem(sys.modules, module.__name__, module)
        names.append(module.__name__)
    monkeypatch.setattr(demo_seed, "area_modules", lambda: names)
    today = datetime.date(2026, 12, 2)

    assert demo_seed.seed_areas(today=today, log=logged.append) == names
    assert calls == [("area_10_a", today), ("area_20_b", today)]
    assert logged == ["seeded area_10_a", "seeded area_20_b"]


def test_the_area_modules_in_the_tree_are_named_and_ordered():
    from kkdigital.demo.seed import area_modules

    names = area_modules()
    assert names == sorted(names)
    assert all(name.startswith("kkdigital.demo.area_") for name in names)
