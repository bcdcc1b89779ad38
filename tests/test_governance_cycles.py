"""The secretariat's budget cycles: list, create next year's, edit phase dates;
and the annual cycle page every logged-in user reads."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from governance.models import BudgetCycle, Phase, PhaseKind, default_phase_windows
from governance.services.cycles import (
    PHASE_ORDER,
    CycleError,
    cycle_create_next,
    next_budget_year,
)
from portfolio.models import CaseState

from .factories import BudgetCycleFactory, InvestmentCaseFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The factories give every user a password; the default hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


LIST = reverse("governance:cycle-list")
CREATE = reverse("governance:cycle-create")
ANNUAL = reverse("governance:annual-cycle")


def detail_url(year=2027):
    return reverse("governance:cycle-detail", args=[year])


def edit_url(year=2027):
    return reverse("governance:cycle-edit", args=[year])


def phase(cycle, kind):
    return Phase.objects.get(cycle=cycle, kind=kind)


def set_dates(cycle, kind, starts_on, ends_on):
    Phase.objects.filter(cycle=cycle, kind=kind).update(starts_on=starts_on, ends_on=ends_on)


def phase_post(cycle, **changes):
    """The edit form as posted: each phase's current dates as dd/mm/yyyy,
    with ``changes`` as {"<kind>": (starts, ends)} typed text."""
    data = {
        "form-TOTAL_FORMS": "7",
        "form-INITIAL_FORMS": "7",
        "form-MIN_NUM_FORMS": "7",
        "form-MAX_NUM_FORMS": "7",
    }
    phases = {p.kind: p for p in cycle.phases.all()}
    for index, kind in enumerate(PHASE_ORDER):
        stored = (phases[kind].starts_on, phases[kind].ends_on)
        current = tuple(d.strftime("%d/%m/%Y") for d in stored)
        starts, ends = changes.get(kind, current)
        data[f"form-{index}-starts_on"] = starts
        data[f"form-{index}-ends_on"] = ends
    return data


def stored_dates(cycle):
    return {p.kind: (p.starts_on, p.ends_on) for p in Phase.objects.filter(cycle=cycle)}


# Access ---------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, CREATE, detail_url(), edit_url()])
def test_anonymous_users_are_sent_to_login(client, cycle, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ["staff", "it_lead", "director", "committee_reader"])
@pytest.mark.parametrize("url", [LIST, CREATE, detail_url(), edit_url()])
def test_only_the_secretariat_manages_cycles(client, cycle, request, role, url):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", ["staff", "it_lead", "director", "committee_reader"])
def test_other_roles_cannot_create_or_edit_by_posting(client, cycle, request, role):
    client.force_login(request.getfixturevalue(role))
    before = stored_dates(cycle)
    assert client.post(CREATE, {"budget_year": "2028"}).status_code == 403
    assert client.post(edit_url(), phase_post(cycle)).status_code == 403
    assert not BudgetCycle.objects.filter(budget_year=2028).exists()
    assert stored_dates(cycle) == before


# List ------------------------------------------------------------------------


def test_the_list_shows_each_cycle_with_phases_and_number_of_cases(
    client, secretariat, cycle, department, django_assert_max_num_queries
):
    later = BudgetCycleFactory(budget_year=2028)
    for _ in range(3):
        InvestmentCaseFactory(cycle=cycle, department=department)
    InvestmentCaseFactory(cycle=later, department=department)
    client.force_login(secretariat)
    with django_assert_max_num_queries(14):
        response = client.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Budget 2027" in page and "Budget 2028" in page
    assert "Indhentning af behov: 1. januar 2026 – 31. marts 2026" in page
    counts = {row["cycle"].budget_year: row["cycle"].case_count for row in response.context["rows"]}
    assert counts == {2027: 3, 2028: 1}
    assert "Opret Budget 2029" in page


def test_the_list_marks_the_current_cycle_and_the_phases_open_today(client, secretariat, cycle):
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    set_dates(cycle, PhaseKind.INTAKE, today - day, today + day)
    set_dates(cycle, PhaseKind.QUALIFICATION, today + day, today + 2 * day)
    set_dates(cycle, PhaseKind.BUDGET_NEGOTIATIONS, today + 3 * day, today + 4 * day)
    BudgetCycleFactory(budget_year=2028)
    client.force_login(secretariat)
    response = client.get(LIST)
    rows = {row["cycle"].budget_year: row for row in response.context["rows"]}
    assert rows[2027]["is_current"] and not rows[2028]["is_current"]
    assert [r.phase.kind for r in rows[2027]["open"]] == [PhaseKind.INTAKE]
    assert response.content.decode().count("Nuværende cyklus") == 1


# Detail ----------------------------------------------------------------------


def test_the_cycle_page_shows_the_current_phase(client, secretariat, cycle, department):
    today = timezone.localdate()
    set_dates(cycle, PhaseKind.QUALIFICATION, today, today + datetime.timedelta(days=10))
    InvestmentCaseFactory(cycle=cycle, department=department, state=CaseState.SUBMITTED)
    client.force_login(secretariat)
    response = client.get(detail_url())
    page = response.content.decode()
    assert "Nuværende fase: <strong>Kvalificering</strong>" in page
    assert response.context["state_counts"] == [("Indsendt", 1)]


def test_the_cycle_page_names_the_next_phase_when_none_is_open(client, secretariat):
    cycle = BudgetCycleFactory(budget_year=timezone.localdate().year + 3)
    client.force_login(secretariat)
    page = client.get(detail_url(cycle.budget_year)).content.decode()
    assert "Ingen fase er åben i dag. Næste fase: <strong>Indhentning af behov</strong>" in page


def test_an_unknown_cycle_is_404(client, secretariat, cycle):
    client.force_login(secretariat)
    assert client.get(detail_url(1999)).status_code == 404


# Create ----------------------------------------------------------------------


def test_the_create_page_shows_the_year_and_default_phases(client, secretariat, cycle):
    client.force_login(secretariat)
    response = client.get(CREATE)
    page = response.content.decode()
    assert "Opret Budget 2028" in page
    assert 'name="budget_year" value="2028"' in page
    assert "1. januar 2027" in page  # the intake of Budget 2028 starts in January 2027
    assert not BudgetCycle.objects.filter(budget_year=2028).exists()


def test_creating_the_next_cycle_gives_seven_phases_with_the_default_windows(
    client, secretariat, cycle
):
    client.force_login(secretariat)
    response = client.post(CREATE, {"budget_year": "2028"}, follow=True)
    new = BudgetCycle.objects.get(budget_year=2028)
    assert response.redirect_chain == [(detail_url(2028), 302)]
    assert sorted(
        (p.kind, p.starts_on, p.ends_on) for p in new.phases.all()
    ) == sorted(default_phase_windows(2028))
    assert new.phases.count() == 7
    assert new.history.get().history_user == secretariat
    assert [str(m) for m in response.context["messages"]] == [
        "Budget 2028 er oprettet. 0 udskudte sager er overført til dens indhentning."
    ]


def test_creating_it_twice_is_refused_with_a_message(client, secretariat, cycle):
    client.force_login(secretariat)
    client.post(CREATE, {"budget_year": "2028"})
    response = client.post(CREATE, {"budget_year": "2028"})
    assert response.status_code == 409
    assert "Budget 2028 findes allerede." in response.content.decode()
    assert list(BudgetCycle.objects.values_list("budget_year", flat=True)) == [2028, 2027]
    assert Phase.objects.filter(cycle__budget_year=2028).count() == 7


def test_a_stale_or_missing_year_creates_nothing(client, secretariat, cycle):
    client.force_login(secretariat)
    response = client.post(CREATE, {"budget_year": "2030"})
    assert response.status_code == 409
    assert "Den næste cyklus, der kan oprettes, er Budget 2028." in response.content.decode()
    response = client.post(CREATE, {"budget_year": "to tusind"})
    assert response.status_code == 409
    assert BudgetCycle.objects.count() == 1


def test_without_any_cycle_the_next_is_next_years_budget(db):
    assert next_budget_year(datetime.date(2026, 11, 22)) == 2027


# Edit phase dates -------------------------------------------------------------


def test_the_edit_form_shows_each_phase_with_danish_dates(client, secretariat, cycle):
    client.force_login(secretariat)
    page = client.get(edit_url()).content.decode()
    assert "<legend class=\"h3\">Indhentning af behov</legend>" in page
    assert 'value="01/01/2026"' in page and 'value="31/03/2026"' in page
    assert 'aria-describedby="id_form-0-starts_on_hint"' in page


def test_valid_dates_are_saved_row_by_row_with_history(client, secretariat, cycle):
    intake = phase(cycle, PhaseKind.INTAKE)
    qualification = phase(cycle, PhaseKind.QUALIFICATION)
    intake_history = intake.history.count()
    qualification_history = qualification.history.count()
    client.force_login(secretariat)
    response = client.post(
        edit_url(),
        phase_post(cycle, **{PhaseKind.INTAKE: ("5.1.2026", "15-03-2026")}),
    )
    assert response.status_code == 302
    assert response.url == detail_url()
    intake.refresh_from_db()
    assert (intake.starts_on, intake.ends_on) == (
        datetime.date(2026, 1, 5),
        datetime.date(2026, 3, 15),
    )
    assert intake.history.count() == intake_history + 1
    latest = intake.history.first()
    assert latest.history_user == secretariat
    assert latest.history_change_reason == "Fasernes datoer ændret af sekretariatet"
    assert latest.prev_record.ends_on == datetime.date(2026, 3, 31)
    # Unchanged phases get no history row.
    assert qualification.history.count() == qualification_history


def test_a_phase_that_ends_before_it_starts_is_refused_next_to_the_field(
    client, secretariat, cycle
):
    before = stored_dates(cycle)
    client.force_login(secretariat)
    response = client.post(
        edit_url(),
        phase_post(
            cycle,
            **{
                PhaseKind.TRANSFER_CASE: ("20/05/2026", "10/05/2026"),
                # A valid change in another row is not saved either.
                PhaseKind.INTAKE: ("02/01/2026", "31/03/2026"),
            },
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        '<span class="form-error-message" id="id_form-3-ends_on_error">'
        '<span class="sr-only">Fejl: </span>Fasen kan ikke slutte, før den starter.</span>'
    ) in page
    assert 'href="#id_form-3-ends_on"' in page  # the error summary links to the field
    assert 'value="10/05/2026"' in page and 'value="02/01/2026"' in page
    assert 'aria-invalid="true"' in page
    assert stored_dates(cycle) == before


def test_the_qualification_cannot_end_before_the_intake_ends(client, secretariat, cycle):
    before = stored_dates(cycle)
    client.force_login(secretariat)
    response = client.post(
        edit_url(), phase_post(cycle, **{PhaseKind.QUALIFICATION: ("01/03/2026", "20/03/2026")})
    )
    page = response.content.decode()
    assert 'id="id_form-1-ends_on_error"' in page
    assert "Kan ikke slutte, før »Indhentning af behov« slutter (31. marts 2026)." in page
    assert stored_dates(cycle) == before


def test_the_qualification_cannot_start_before_the_intake_starts(client, secretariat, cycle):
    client.force_login(secretariat)
    response = client.post(
        edit_url(), phase_post(cycle, **{PhaseKind.QUALIFICATION: ("15/12/2025", "30/04/2026")})
    )
    assert (
        "Kan ikke starte, før »Indhentning af behov« starter (1. januar 2026)."
        in response.content.decode()
    )


def test_the_budget_negotiations_end_before_the_budget_year(client, secretariat, cycle):
    client.force_login(secretariat)
    response = client.post(
        edit_url(),
        phase_post(cycle, **{PhaseKind.BUDGET_NEGOTIATIONS: ("01/08/2026", "05/01/2027")}),
    )
    page = response.content.decode()
    assert "Budgetforhandlingerne skal slutte, før budgetåret 2027 begynder." in page
    assert 'id="id_form-4-ends_on_error"' in page


def test_a_mistyped_year_is_caught(client, secretariat, cycle):
    client.force_login(secretariat)
    response = client.post(
        edit_url(), phase_post(cycle, **{PhaseKind.FOLLOW_UP_MAY: ("01/05/2207", "31/05/2027")})
    )
    assert "Vælg en dato mellem 1. januar 2025 og 31. december 2028." in response.content.decode()


def test_text_that_is_no_date_is_kept_as_typed(client, secretariat, cycle):
    before = stored_dates(cycle)
    client.force_login(secretariat)
    response = client.post(
        edit_url(), phase_post(cycle, **{PhaseKind.INTAKE: ("31/02/2026", "")})
    )
    page = response.content.decode()
    assert 'value="31/02/2026"' in page
    assert "Skriv datoen som dd/mm/åååå, for eksempel 31/03/2027." in page
    assert "Udfyld datoen." in page
    assert stored_dates(cycle) == before


def test_a_tampered_form_count_saves_nothing(client, secretariat, cycle):
    before = stored_dates(cycle)
    data = phase_post(cycle, **{PhaseKind.INTAKE: ("02/01/2026", "31/03/2026")})
    data["form-TOTAL_FORMS"] = "3"
    client.force_login(secretariat)
    response = client.post(edit_url(), data)
    assert response.status_code == 200
    assert stored_dates(cycle) == before


# The annual cycle page ----------------------------------------------------------


def test_the_annual_cycle_needs_a_login(client, cycle):
    response = client.get(ANNUAL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ["staff", "director", "committee_reader", "secretariat"])
def test_every_logged_in_user_reads_the_annual_cycle(client, cycle, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(ANNUAL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Årshjulet for Budget 2027" in page
    assert "Direktørkredsens prioritering" in page
    assert "It-direktørkredsen" in page  # who acts
    assert "1. april 2026" in page
    assert ("Administrér cyklussen" in page) == (role == "secretariat")


def test_the_annual_cycle_marks_the_phase_open_today(client, staff, cycle):
    today = timezone.localdate()
    set_dates(cycle, PhaseKind.INTAKE, today, today)
    client.force_login(staff)
    response = client.get(ANNUAL)
    statuses = {row.phase.kind: row.status for row in response.context["rows"]}
    assert statuses[PhaseKind.INTAKE] == "open"
    assert '<span class="badge badge-success">Åben nu</span>' in response.content.decode()


def test_the_annual_cycle_without_any_cycle_says_so(client, staff):
    client.force_login(staff)
    response = client.get(ANNUAL)
    assert "Der er endnu ikke oprettet en budgetcyklus." in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_creates_at_once_make_one_cycle(secretariat):
    if connection.vendor != "postgresql":
        pytest.skip("needs two real connections (PostgreSQL)")
    BudgetCycleFactory(budget_year=2027)
    assert secretariat.roles  # read once, before the threads share the user
    start = threading.Barrier(2)
    results = []

    def create():
        try:
            start.wait()
            cycle_create_next(actor=secretariat, budget_year=2028)
            results.append("created")
        except CycleError as refusal:
            results.append(str(refusal))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["Budget 2028 findes allerede.", "created"]
    assert BudgetCycle.objects.filter(budget_year=2028).count() == 1
    assert Phase.objects.filter(cycle__budget_year=2028).count() == 7


def test_saving_unchanged_dates_says_so_and_writes_no_history(client, secretariat, cycle):
    history = sum(p.history.count() for p in cycle.phases.all())
    client.force_login(secretariat)
    response = client.post(edit_url(), phase_post(cycle), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Ingen datoer blev ændret."]
    assert sum(p.history.count() for p in cycle.phases.all()) == history


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (datetime.date(2025, 6, 1), 2026),  # before Budget 2026's negotiations
        (datetime.date(2025, 9, 30), 2026),  # their last day: still 2026
        (datetime.date(2025, 10, 1), 2027),  # after them
        (datetime.date(2026, 10, 1), 2028),  # after the last negotiations: the latest cycle
    ],
)
def test_the_headers_current_cycle_is_current_with_its_phases_in_one_query(
    today, year, db, django_assert_num_queries
):
    for budget_year in (2026, 2027):
        BudgetCycleFactory(budget_year=budget_year)
    BudgetCycle.objects.create(budget_year=2028)  # no phases yet
    expected = BudgetCycle.objects.get(budget_year=year)
    expected_phases = list(Phase.objects.filter(cycle=expected))
    upcoming = today <= datetime.date(2026, 9, 30)
    with django_assert_num_queries(1 if upcoming else 2):
        cycle = BudgetCycle.objects.current(today)
        assert cycle == expected
        assert list(cycle.phases.all()) == expected_phases
        assert cycle.open_phases(today) == [p for p in expected_phases if p.is_open(today)]


def test_the_headers_current_cycle_is_none_without_cycles(db):
    assert BudgetCycle.objects.current() is None
