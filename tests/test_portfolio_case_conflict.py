"""No lost updates: when two people edit the same case, the second save is refused,
shows what the first person changed, and keeps the second person's input."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext

from portfolio.models import CaseEconomyLine, InvestmentCase
from portfolio.services import CaseConflict, CaseData, case_snapshot, case_update

from .factories import CaseEconomyLineFactory, InvestmentCaseFactory, ThemeFactory


@pytest.fixture
def draft(cycle, department, staff):
    case = InvestmentCaseFactory(
        cycle=cycle, department=department, created_by=staff, title="Ny jobportal"
    )
    CaseEconomyLineFactory(case=case, kind="investment", year=2027, amount=1_200_000)
    return case


@pytest.fixture
def theme(db):
    return ThemeFactory(name="Arbejdskraft", number=1)


def form_data(**extra):
    data = {
        "title": "Ny jobportal",
        "summary": "Et fælles system for hele kommunen.",
        "scope": "department",
        "case_type": "digital_solution",
        "green_requirements": "False",
        "eco-investment_2027": "1.200.000",
        "action": "save:grundlag",
    }
    data.update(extra)
    return data


def label(name):
    return str(InvestmentCase._meta.get_field(name).verbose_name).capitalize()


def test_the_second_save_is_refused_with_what_the_first_person_changed(
    client, draft, staff, colleague, theme
):
    url = reverse("portfolio:case-edit", args=[draft.pk])
    # Both open the form at version 1.
    for user in (staff, colleague):
        client.force_login(user)
        assert 'name="version" value="1"' in client.get(url).content.decode()

    client.force_login(staff)
    first = client.post(
        url,
        form_data(
            version=1,
            title="Jobportal for borgere",
            themes=[theme.pk],
            **{"eco-investment_2027": "1.500.000"},
        ),
    )
    assert first.status_code == 302

    client.force_login(colleague)
    second = client.post(
        url, form_data(version=1, title="Kollegaens titel", summary="Kollegaens resumé")
    )
    html = second.content.decode()
    assert second.status_code == 409
    assert str(staff) in html
    assert f"{label('title')}: Ny jobportal → Jobportal for borgere" in html
    assert f"{label('themes')}: (tom) → {theme}" in html
    assert f"{gettext('Investment')} 2027: 1.200.000 → 1.500.000 kr." in html
    # The colleague's own input is still in the form, now against version 2.
    assert 'value="Kollegaens titel"' in html
    assert "Kollegaens resumé" in html
    assert 'name="version" value="2"' in html

    # Nothing of the refused save was written.
    draft.refresh_from_db()
    assert draft.title == "Jobportal for borgere"
    assert draft.summary == "Et fælles system for hele kommunen."
    assert draft.version == 2
    assert CaseEconomyLine.objects.get(case=draft).amount == 1_500_000

    # Having seen the changes, the colleague saves again and it goes through.
    again = client.post(url, form_data(version=2, title="Kollegaens titel", themes=[theme.pk]))
    assert again.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Kollegaens titel"
    assert draft.version == 3
    assert CaseEconomyLine.objects.get(case=draft).amount == 1_200_000


def test_history_keeps_who_changed_fields_economy_and_links(draft, staff, colleague, theme):
    case_update(
        actor=staff,
        case_pk=draft.pk,
        expected_version=1,
        data=CaseData(
            fields={"title": "Jobportal"},
            themes=[theme],
            economy={("investment", 2027): 1_500_000, ("gain", 2028): -100_000},
        ),
    )
    case_update(
        actor=colleague,
        case_pk=draft.pk,
        expected_version=2,
        data=CaseData(fields={"summary": "Nyt resumé"}, economy={("gain", 2028): None}),
    )
    records = draft.history.order_by("history_date", "history_id")
    by_version = {}
    for record in records:
        by_version.setdefault(record.version, set()).add(record.history_user)
    assert by_version[2] == {staff}
    assert by_version[3] == {colleague}
    theme_record = next(r for r in records if set(r.themes.values_list("theme_id", flat=True)))
    assert theme_record.history_user == staff

    lines = CaseEconomyLine.history.filter(case_id=draft.pk)
    changed = lines.get(kind="investment", history_type="~")
    assert (changed.amount, changed.history_user) == (1_500_000, staff)
    added = lines.get(kind="gain", history_type="+")
    assert (added.amount, added.history_user) == (-100_000, staff)
    removed = lines.get(kind="gain", history_type="-")
    assert removed.history_user == colleague
    assert {r.history_change_reason for r in lines.filter(history_user=staff)} == {
        gettext("Case edited")
    }


def test_a_snapshot_reads_a_version_back_from_the_history(draft, staff, theme):
    case_update(
        actor=staff,
        case_pk=draft.pk,
        expected_version=1,
        data=CaseData(fields={"title": "Jobportal"}, themes=[theme],
                      economy={("investment", 2027): 900}),
    )
    before = case_snapshot(draft, 1)
    after = case_snapshot(draft, 2)
    assert before.fields["title"] == "Ny jobportal"
    assert before.m2m["themes"] == set()
    assert before.economy == {("investment", 2027): 1_200_000}
    assert after.fields["title"] == "Jobportal"
    assert after.m2m["themes"] == {theme.pk}
    assert after.economy == {("investment", 2027): 900}


def test_the_service_refuses_a_stale_version_and_writes_nothing(draft, staff, colleague):
    case_update(actor=staff, case_pk=draft.pk, expected_version=1,
                data=CaseData(fields={"title": "Først"}))
    with pytest.raises(CaseConflict) as raised:
        case_update(
            actor=colleague,
            case_pk=draft.pk,
            expected_version=1,
            data=CaseData(fields={"title": "Sidst"}, economy={("investment", 2027): 5}),
        )
    assert raised.value.current_version == 2
    assert raised.value.changed_by == [str(staff)]
    assert [(c.old, c.new) for c in raised.value.changes] == [("Ny jobportal", "Først")]
    draft.refresh_from_db()
    assert draft.title == "Først"
    assert CaseEconomyLine.objects.get(case=draft).amount == 1_200_000


def test_the_service_checks_permission_itself(draft, outsider, director):
    for user in (outsider, director):
        with pytest.raises(PermissionDenied):
            case_update(actor=user, case_pk=draft.pk, expected_version=1,
                        data=CaseData(fields={"title": "Kapret"}))
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("Ny jobportal", 1)
