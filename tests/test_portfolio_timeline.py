"""The case timeline: field, economy, principle, link and state changes in plain Danish."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from governance.models import CaseTransition
from portfolio.models import CaseEconomyLine, CasePrinciple, CaseState, EconomyKind
from portfolio.timeline import build_timeline, group_timeline

from .factories import InvestmentCaseFactory, PrincipleFactory, ThemeFactory
from .portfolio_read_data import at, fast_passwords, full_case, strategy_frame  # noqa: F401


@pytest.fixture(autouse=True)
def _danish():
    with translation.override("da"):
        yield


@pytest.fixture
def author(staff):
    staff.first_name, staff.last_name = "Anna", "Jensen"
    staff.save()
    return staff


@pytest.fixture
def case(department, cycle, author):
    case = InvestmentCaseFactory.build(
        department=department, cycle=cycle, created_by=author, title="Robotter"
    )
    case._history_user = author
    case._history_date = at(2026, 1, 5, 9, 0)
    case.save()
    # Later saves get their own time.
    del case._history_date
    return case


def texts(case):
    return [entry.text for entry in build_timeline(case)]


def save_line(line, user, when):
    line._history_user = user
    line._history_date = when
    line.save()


def test_it_starts_with_the_creation_of_the_case(case, author):
    [entry] = build_timeline(case)
    assert entry.text == "Sag oprettet: Robotter"
    assert entry.actor == author
    assert entry.actor_name == "Anna Jensen"


def test_it_shows_a_field_change_with_old_and_new_value(case, colleague):
    case._history_user = colleague
    case._history_date = at(2027, 3, 2)
    case.title = "Robotter i jobcentret"
    case.risk_level = "high"
    case.save()
    entries = build_timeline(case)
    assert [e.text for e in entries[:2]] == [
        "Titel: Robotter → Robotter i jobcentret",
        "Risikoniveau: (tom) → Høj",
    ]
    assert entries[0].actor == colleague


def test_it_says_a_long_text_changed_without_quoting_it(case):
    case.background = "Borgerne venter for længe på svar."
    case.save()
    assert texts(case)[0] == "Baggrund og problemstilling ændret"


def test_it_does_not_show_state_and_version_as_field_changes(case):
    case.state = CaseState.SUBMITTED
    case.version += 1
    case.save()
    assert texts(case) == ["Sag oprettet: Robotter"]


def test_it_shows_an_economy_change_in_kroner(case, author):
    line = CaseEconomyLine(case=case, kind=EconomyKind.INVESTMENT, year=2027, amount=1_200_000)
    save_line(line, author, at(2027, 3, 2))
    line.amount = 1_500_000
    save_line(line, author, at(2027, 3, 3, 14, 5))
    assert texts(case)[:2] == [
        "Investering 2027: 1.200.000 → 1.500.000 kr.",
        "Investering 2027: 1.200.000 kr. tilføjet",
    ]


def test_it_shows_economy_lines_removed_and_the_permanent_effect(case, author):
    line = CaseEconomyLine(case=case, kind=EconomyKind.GAIN, year=None, amount=-400_000)
    save_line(line, author, at(2027, 3, 2))
    line._history_user = author
    line._history_date = at(2027, 3, 3)
    line.delete()
    assert texts(case)[:2] == [
        "Gevinster, varig: -400.000 kr. fjernet",
        "Gevinster, varig: -400.000 kr. tilføjet",
    ]


def test_it_treats_a_line_deleted_and_created_again_as_one_change(case, author):
    old = CaseEconomyLine(case=case, kind=EconomyKind.OPERATING, year=2028, amount=100_000)
    save_line(old, author, at(2027, 3, 2))
    old._history_user = author
    old._history_date = at(2027, 3, 4, 10, 0)
    old.delete()
    new = CaseEconomyLine(case=case, kind=EconomyKind.OPERATING, year=2028, amount=150_000)
    save_line(new, author, at(2027, 3, 4, 10, 0))
    assert texts(case)[0] == "Driftsudgift 2028: 100.000 → 150.000 kr."
    assert "Driftsudgift 2028: 100.000 kr. fjernet" not in texts(case)


def test_it_shows_a_theme_added_and_removed_with_who_and_when(case, author):
    theme = ThemeFactory(name="Arbejdskraft", number=1)
    case._history_date = at(2027, 3, 3, 14, 5)
    case.themes.add(theme)
    case._history_date = at(2027, 3, 4, 8, 0)
    case.themes.remove(theme)
    entries = build_timeline(case)
    assert [e.text for e in entries[:2]] == [
        "Tema fjernet: 1. Arbejdskraft",
        "Tema tilføjet: 1. Arbejdskraft",
    ]
    assert entries[1].time == at(2027, 3, 3, 14, 5)
    assert entries[1].actor == author


def test_it_shows_participating_departments_and_potentials(case, other_department):
    case.participating_departments.add(other_department)
    assert texts(case)[0] == (
        "Deltagende forvaltning tilføjet: Sundheds- og Omsorgsforvaltningen (SUF)"
    )


def test_it_shows_a_principle_with_its_justification(case, author):
    principle = PrincipleFactory(number=1, name="Fælles først")
    link = CasePrinciple(case=case, principle=principle, justification="Vi genbruger.")
    link._history_user = author
    link.save()
    link.justification = "Vi genbruger den fælles platform."
    link.save()
    entries = build_timeline(case)
    assert entries[0].text == "Begrundelsen for princippet Fælles først er ændret"
    assert entries[0].comment == "Vi genbruger den fælles platform."
    assert entries[1].text == "Princip tilføjet: Fælles først"


def test_it_shows_state_changes_with_actor_and_comment(case, it_lead):
    CaseTransition.objects.create(
        case=case,
        from_state=CaseState.DRAFT,
        to_state=CaseState.SUBMITTED,
        actor=it_lead,
        comment="Klar til kvalificering.",
        created_at=at(2027, 3, 5, 10, 0),
    )
    entry = build_timeline(case)[0]
    assert entry.text == "Status: Kladde → Indsendt"
    assert entry.comment == "Klar til kvalificering."
    assert entry.actor == it_lead


def test_it_groups_what_one_person_saved_at_once(case, author, colleague):
    case._history_user = colleague
    case.title = "Ny titel"
    case.summary = "Nyt resumé"
    case.save()
    groups = group_timeline(build_timeline(case))
    assert [len(g.entries) for g in groups] == [2, 1]
    assert groups[0].actor == colleague


def test_the_case_page_shows_the_timeline_in_danish(client, case, author):
    line = CaseEconomyLine(case=case, kind=EconomyKind.INVESTMENT, year=2027, amount=1_200_000)
    save_line(line, author, at(2027, 3, 3, 14, 5))
    line.amount = 1_500_000
    save_line(line, author, at(2027, 3, 3, 14, 5))
    client.force_login(author)
    page = client.get(reverse("portfolio:case-detail", args=[case.pk])).content.decode()
    assert "Investering 2027: 1.200.000 → 1.500.000 kr." in page
    assert "Anna Jensen" in page
    assert "3. marts 2027 kl. 14.05" in page


def test_it_reads_each_history_table_once_however_long_the_history(department, cycle, author):
    frame = strategy_frame()
    counts = []
    for edits in (1, 12):
        case = full_case(
            department=department, cycle=cycle, author=author, frame=frame, edits=edits
        )
        with CaptureQueriesContext(connection) as queries:
            entries = build_timeline(case)
        counts.append(len(queries))
        assert len(entries) > edits * 3
    # The case, its three link tables, economy lines, principles, transitions.
    assert counts == [7, 7]


def test_it_survives_a_theme_deleted_since(case):
    theme = ThemeFactory(name="Udgået tema")
    case.themes.add(theme)
    theme.delete()
    assert texts(case)[0] == "Tema tilføjet: (slettet)"
