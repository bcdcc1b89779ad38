"""One reading of history: the case timeline and the audit log tell one edit alike.

Both read simple-history through ``portfolio.history``; an edit made through the
case form is told with the same words, by the same person, in both. The audit log
also shows a long text in full (with the words taken out and put in), and logs
the IT directors' assessments and the phases' dates with who changed them.
"""

import csv
import io

import pytest
from django.urls import reverse

from governance.audit import audit_entries
from governance.models import Assessment, Phase, PhaseKind, Recommendation
from portfolio.models import CaseEconomyLine, CaseState, EconomyKind
from portfolio.timeline import Kind, build_timeline

from .factories import InvestmentCaseFactory, ThemeFactory

pytestmark = pytest.mark.django_db

AUDIT_URL = "/proces/revisionslog/"
LONG = " ".join(f"ord{n}" for n in range(120))  # about 700 characters


@pytest.fixture
def draft(cycle, department, staff):
    return InvestmentCaseFactory(
        cycle=cycle, department=department, created_by=staff, title="Ny jobportal"
    )


def post_edit(client, case, **data):
    case.refresh_from_db()
    form = {
        "version": case.version,
        "title": case.title,
        "scope": "department",
        "case_type": "digital_solution",
        "green_requirements": "False",
        "action": "save:grundlag",
        **data,
    }
    response = client.post(reverse("portfolio:case-edit", args=[case.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]


def timeline_told(case):
    """What the timeline says of the edits (not the creation, not the transitions)."""
    return sorted(
        (entry.text, entry.actor.username if entry.actor else "")
        for entry in build_timeline(case)
        if entry.kind not in (Kind.CREATED, Kind.STATE)
    )


def audit_told(case):
    return sorted(
        (str(change), entry.user.username if entry.user else "")
        for entry in audit_entries(case.cycle, case=case.pk)
        for change in entry.changes
        if entry.kind != "transition"
    )


def test_an_edit_through_the_form_is_told_alike_on_the_timeline_and_in_the_audit_log(
    client, draft, staff, colleague
):
    theme = ThemeFactory(name="Arbejdskraft", number=1)
    client.force_login(staff)
    post_edit(client, draft, **{"eco-investment_2027": "100.000", "risk_level": "high"})
    client.force_login(colleague)
    post_edit(
        client, draft, title="Ny fælles jobportal", background=LONG, themes=[theme.pk],
        **{"eco-investment_2027": "150.000", "risk_level": "high"},
    )

    told = timeline_told(draft)

    assert told == audit_told(draft)
    assert ("Investering 2027: 100.000 → 150.000 kr.", "bif-colleague") in told
    assert ("Investering 2027: 100.000 kr. tilføjet", "bif-staff") in told
    assert ("Titel: Ny jobportal → Ny fælles jobportal", "bif-colleague") in told
    assert ("Tema tilføjet: 1. Arbejdskraft", "bif-colleague") in told
    assert ("Baggrund og problemstilling ændret", "bif-colleague") in told


def test_a_line_deleted_and_created_again_in_one_save_is_one_change_in_both(draft, staff):
    line = CaseEconomyLine(case=draft, kind=EconomyKind.INVESTMENT, year=2027, amount=100_000)
    line._history_user = staff
    line.save()
    line._history_user = staff
    line.delete()
    again = CaseEconomyLine(case=draft, kind=EconomyKind.INVESTMENT, year=2027, amount=150_000)
    again._history_user = staff
    again.save()

    told = timeline_told(draft)

    assert told == audit_told(draft)
    assert told == [
        ("Investering 2027: 100.000 kr. tilføjet", "bif-staff"),
        ("Investering 2027: 100.000 → 150.000 kr.", "bif-staff"),
    ]
    entries = list(audit_entries(draft.cycle, case=draft.pk))
    assert [e.kind for e in entries if e.what == "Økonomi"] == ["changed", "created"]
    assert audit_entries(draft.cycle, case=draft.pk).count() == len(entries)


def test_a_line_deleted_and_created_again_unchanged_is_no_change(draft, staff):
    line = CaseEconomyLine(case=draft, kind=EconomyKind.INVESTMENT, year=2027, amount=100_000)
    line._history_user = staff
    line.save()
    line._history_user = staff
    line.delete()
    again = CaseEconomyLine(case=draft, kind=EconomyKind.INVESTMENT, year=2027, amount=100_000)
    again._history_user = staff
    again.save()

    assert timeline_told(draft) == audit_told(draft) == [
        ("Investering 2027: 100.000 kr. tilføjet", "bif-staff")
    ]


def test_the_audit_log_shows_a_long_text_change_in_full_and_as_a_diff(
    client, draft, staff, secretariat
):
    client.force_login(staff)
    post_edit(client, draft, background=LONG)
    post_edit(client, draft, background=LONG.replace("ord100", "ændret100") + " slutord")
    client.force_login(secretariat)

    html = client.get(AUDIT_URL, {"case": draft.pk}).content.decode()
    response = client.get(AUDIT_URL, {"case": draft.pk, "format": "csv"})

    assert "Baggrund og problemstilling ændret" in html
    assert "ord119" in html  # past 300 characters: not cut
    assert '<del><span class="sr-only">Fjernet: </span>ord100</del>' in html
    assert '<ins><span class="sr-only">Tilføjet: </span>ændret100</ins>' in html
    rows = list(
        csv.reader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    changed = [row[6] for row in rows if "ændret100" in row[6]]
    assert changed and changed[0].endswith("ord119 slutord")
    assert LONG in changed[0]


def test_the_audit_log_tells_the_directors_assessments_with_who_made_them(
    client, draft, director, secretariat
):
    draft.state = CaseState.QUALIFIED
    draft.save()
    assessment = Assessment(
        case=draft, score=3, rank=2, recommendation=Recommendation.PRIORITISE,
        assessed_by=director,
    )
    assessment._history_user = director
    assessment.save()
    assessment.score, assessment.reason = 5, "Stort potentiale"
    assessment._history_user = director
    assessment.save()
    client.force_login(secretariat)

    found = list(client.get(AUDIT_URL, {"case": draft.pk}).context["page"].object_list)

    assessed = [e for e in found if e.kind == "assessment"]
    assert [e.what for e in assessed] == ["Direktørvurdering ændret", "Direktørvurdering givet"]
    assert all(e.user == director for e in assessed)
    assert [str(c) for c in assessed[0].changes] == ["Score (1–5): 3 → 5", "Begrundelse ændret"]
    assert "Score (1–5): (tom) → 3" in [str(c) for c in assessed[1].changes]
    assert [str(c) for c in assessed[1].changes] == [
        "Score (1–5): (tom) → 3", "Placering: (tom) → 2", "Anbefaling: (tom) → Prioriteres",
    ]


def test_the_audit_log_tells_phase_dates_changed_with_who_changed_them(
    client, cycle, secretariat, department
):
    phase = Phase.objects.get(cycle=cycle, kind=PhaseKind.QUALIFICATION)
    old_end = phase.ends_on
    phase.ends_on = old_end.replace(day=old_end.day - 1 if old_end.day > 1 else 2)
    phase._history_user = secretariat
    phase.save()
    client.force_login(secretariat)

    response = client.get(AUDIT_URL)
    found = list(response.context["page"].object_list)

    changed = [e for e in found if e.kind == "phase" and e.user == secretariat]
    assert len(changed) == 1 and changed[0].what == "Fase: Kvalificering"
    assert [c.label for c in changed[0].changes] == ["Slutter"]
    assert old_end.strftime("%d.%m.%Y") in str(changed[0].changes[0])
    assert "Hele cyklen" in response.content.decode()
    # A phase belongs to the cycle: filtering by department or case leaves it out.
    by_department = client.get(AUDIT_URL, {"department": department.pk})
    assert not [e for e in by_department.context["page"].object_list if e.kind == "phase"]


def test_a_capital_line_is_another_line_than_the_service_line_of_the_same_year(draft, staff):
    for area, amount in (("service", 100_000), ("anlaeg", 400_000)):
        line = CaseEconomyLine(case=draft, kind=EconomyKind.INVESTMENT, year=2027,
                               styringsomraade=area, amount=amount)
        line._history_user = staff
        line.save()
    line._history_user = staff
    line.delete()  # the capital line goes; the service line stays

    told = timeline_told(draft)

    assert told == audit_told(draft)
    assert ("Investering 2027 (anlæg): 400.000 kr. fjernet", "bif-staff") in told
    assert ("Investering 2027: 100.000 kr. tilføjet", "bif-staff") in told
    assert not any("100.000 → " in text for text, _who in told)
