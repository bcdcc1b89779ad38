"""The case form: department staff create and edit drafts in sections, save at any
time, type amounts as they write them, and check whether the case is ready."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext

from portfolio.models import CaseEconomyLine, CasePrinciple, CaseState, InvestmentCase
from portfolio.services import CaseData, case_create

from .factories import (
    CaseEconomyLineFactory,
    CasePrincipleFactory,
    InvestmentCaseFactory,
    PotentialFactory,
    PrincipleFactory,
    ThemeFactory,
    ThemeGoalFactory,
)

CREATE_URL = "/sager/ny/"


@pytest.fixture
def frame(db):
    """The strategy frame the case is anchored in: two themes, three principles, potentials."""
    workforce = ThemeFactory(name="Arbejdskraft", number=1)
    ThemeGoalFactory(theme=workforce, text="Vi frigør tid til kerneopgaven.")
    data = ThemeFactory(name="Data", number=2)
    ThemeGoalFactory(theme=data, text="Data deles sikkert på tværs.")
    return {
        "themes": [workforce, data],
        "principles": [
            PrincipleFactory(number=1, name="Fælles først"),
            PrincipleFactory(number=2, name="Færrest mulige it-systemer"),
            PrincipleFactory(number=3, name="Tæt på driften"),
        ],
        "potentials": [
            PotentialFactory(number=1, name="Tilgængelighed og brugervenlighed"),
            PotentialFactory(number=2, name="Effektivisering"),
        ],
    }


@pytest.fixture
def draft(cycle, department, staff):
    return InvestmentCaseFactory(
        cycle=cycle, department=department, created_by=staff, title="Ny jobportal"
    )


def edit_url(case):
    return reverse("portfolio:case-edit", args=[case.pk])


def minimal(**extra):
    data = {
        "title": "Digital jobsøgning",
        "scope": "department",
        "case_type": "digital_solution",
        "green_requirements": "False",
        "action": "save:grundlag",
    }
    data.update(extra)
    return data


def complete(frame, **extra):
    principle = frame["principles"][0]
    data = minimal(
        summary="Borgere søger job digitalt.",
        background="Jobsøgning sker i dag på papir.",
        solution="En fælles digital løsning.",
        risk_level="medium",
        risk_text="Leverandøren kan blive forsinket.",
        contact_name="Anna Jensen",
        contact_email="anna@kk.dk",
        themes=[frame["themes"][0].pk, frame["themes"][1].pk],
        potentials=[frame["potentials"][0].pk],
        **{
            f"principle_{principle.pk}": "Vi genbruger den fælles platform.",
            "eco-investment_2027": "1.000.000",
            "eco-investment_2028": "500.000",
            "eco-operating_2029": "200.000",
            "eco-gain_2030": "300.000",
        },
    )
    data.update(extra)
    return data


def post_edit(client, case, data):
    return client.post(edit_url(case), {"version": case.version, **data})


# --- who may use the form -------------------------------------------------------------


def test_it_sends_anonymous_users_to_the_login_page(client, draft, cycle):
    for url in (CREATE_URL, edit_url(draft)):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
    assert client.post(CREATE_URL, minimal()).status_code == 302
    assert InvestmentCase.objects.count() == 1


@pytest.mark.parametrize("who", ["director", "committee_reader", "secretariat"])
def test_it_refuses_the_create_form_to_users_without_a_department_role(
    client, cycle, who, request
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, minimal()).status_code == 403
    assert not InvestmentCase.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "outsider_it_lead", "director", "committee_reader"])
def test_it_hides_a_draft_from_users_outside_the_department(client, draft, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(edit_url(draft)).status_code == 404
    assert post_edit(client, draft, minimal(title="Kapret")).status_code == 404
    draft.refresh_from_db()
    assert draft.title == "Ny jobportal"


def test_it_refuses_the_secretariat_who_read_but_do_not_write_drafts(client, draft, secretariat):
    client.force_login(secretariat)
    assert client.get(edit_url(draft)).status_code == 403
    assert post_edit(client, draft, minimal(title="Ændret")).status_code == 403


@pytest.mark.parametrize("state", [CaseState.SUBMITTED, CaseState.QUALIFIED, CaseState.WITHDRAWN])
def test_it_refuses_the_department_a_case_that_is_no_longer_editable(
    client, draft, staff, state
):
    InvestmentCase.objects.filter(pk=draft.pk).update(state=state)
    client.force_login(staff)
    assert client.get(edit_url(draft)).status_code == 403
    assert post_edit(client, draft, minimal(title="Ændret")).status_code == 403
    draft.refresh_from_db()
    assert draft.title == "Ny jobportal"


def test_it_hides_a_submitted_case_from_another_departments_staff(client, draft, outsider):
    InvestmentCase.objects.filter(pk=draft.pk).update(state=CaseState.SUBMITTED)
    client.force_login(outsider)
    assert client.get(edit_url(draft)).status_code == 404


@pytest.mark.parametrize("who", ["staff", "colleague", "it_lead"])
def test_it_lets_the_owning_department_edit_its_draft(client, draft, who, request, frame):
    client.force_login(request.getfixturevalue(who))
    response = client.get(edit_url(draft))
    assert response.status_code == 200
    assert 'value="Ny jobportal"' in response.content.decode()


def test_it_lets_the_department_edit_a_returned_case(client, draft, staff):
    InvestmentCase.objects.filter(pk=draft.pk).update(state=CaseState.RETURNED)
    client.force_login(staff)
    response = post_edit(client, draft, minimal(title="Rettet efter tilbagesendelse"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Rettet efter tilbagesendelse"


def test_case_pages_are_never_cached(client, draft, staff, cycle):
    client.force_login(staff)
    for url in (CREATE_URL, edit_url(draft)):
        assert "no-store" in client.get(url)["Cache-Control"]


# --- creating and saving drafts -------------------------------------------------------


def test_the_create_form_shows_the_sections_the_themes_goals_and_the_price_year(
    client, staff, cycle, frame
):
    client.force_login(staff)
    html = client.get(CREATE_URL).content.decode()
    for slug in ("grundlag", "problem", "forankring", "oekonomi", "risiko", "groen", "kontakt"):
        assert f'href="#sektion-{slug}"' in html
        assert f'id="sektion-{slug}"' in html
    assert "Vi frigør tid til kerneopgaven." in html
    assert 'class="details"' in html
    assert "2027 p/l" in html
    for year in (2027, 2028, 2029, 2030):
        assert f'name="eco-investment_{year}"' in html
    assert 'name="eco-gain_varig"' in html


def test_it_creates_a_draft_for_the_users_department_in_the_current_cycle(
    client, staff, cycle, department, frame
):
    client.force_login(staff)
    response = client.post(CREATE_URL, minimal(action="save:problem"))
    case = InvestmentCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{edit_url(case)}?sektion=problem&gemt=1#sektion-problem"
    assert case.title == "Digital jobsøgning"
    assert case.department == department
    assert case.cycle == cycle
    assert case.price_year == 2027
    assert case.created_by == staff
    assert case.state == CaseState.DRAFT
    assert case.version == 1
    assert case.history.get().history_user == staff


def test_a_draft_can_be_saved_with_only_a_title(client, staff, cycle, frame):
    client.force_login(staff)
    assert client.post(CREATE_URL, {"title": "Kun en titel"}).status_code == 302
    case = InvestmentCase.objects.get()
    assert case.summary == ""
    assert (case.scope, case.case_type, case.green_requirements) == (
        "department", "digital_solution", False
    )
    assert case.submission_problems()  # incomplete, and saved all the same


def test_a_draft_needs_a_title_and_keeps_what_was_typed(client, staff, cycle, frame):
    client.force_login(staff)
    response = client.post(CREATE_URL, minimal(title="", summary="Halvt skrevet resumé"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_title-error"' in html
    assert 'href="#id_title"' in html
    assert 'aria-describedby="id_title-hint id_title-error"' in html
    assert "Halvt skrevet resumé" in html
    assert not InvestmentCase.objects.exists()


def test_it_saves_the_whole_form_on_edit(client, draft, staff, frame, department):
    client.force_login(staff)
    data = complete(frame, scope="cross_cutting", depends_on_it_service_centres="on")
    response = post_edit(client, draft, data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.version == 2
    assert draft.scope == "cross_cutting"
    assert draft.depends_on_it_service_centres is True
    assert set(draft.themes.all()) == set(frame["themes"])
    assert list(draft.potentials.all()) == [frame["potentials"][0]]
    link = draft.principle_links.get()
    assert link.principle == frame["principles"][0]
    assert link.justification == "Vi genbruger den fælles platform."


def test_an_emptied_justification_removes_the_principle_claim(client, draft, staff, frame):
    principle = frame["principles"][1]
    CasePrincipleFactory(case=draft, principle=principle, justification="Gammel begrundelse")
    client.force_login(staff)
    html = client.get(edit_url(draft)).content.decode()
    assert "Gammel begrundelse" in html
    post_edit(client, draft, minimal(**{f"principle_{principle.pk}": "  "}))
    assert not CasePrinciple.objects.filter(case=draft).exists()


def test_the_other_departments_are_offered_as_participants_but_not_the_own(
    client, staff, cycle, department, other_department
):
    client.force_login(staff)
    html = client.get(CREATE_URL).content.decode()
    assert other_department.name in html
    assert f'name="participating_departments" value="{department.pk}"' not in html


# --- the economy ----------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["1.250.000", "1250000", "1 250 000", "1.250.000 kr."])
def test_it_accepts_amounts_as_people_type_them(client, draft, staff, typed):
    client.force_login(staff)
    assert post_edit(client, draft, minimal(**{"eco-investment_2028": typed})).status_code == 302
    line = CaseEconomyLine.objects.get(case=draft)
    assert (line.kind, line.year, line.amount) == ("investment", 2028, 1_250_000)


def test_it_stores_gains_as_negative_and_shows_them_as_positive_savings(client, draft, staff):
    client.force_login(staff)
    post_edit(client, draft, minimal(**{"eco-gain_2029": "400.000", "eco-gain_varig": "100000"}))
    amounts = dict(CaseEconomyLine.objects.filter(case=draft).values_list("year", "amount"))
    assert amounts == {2029: -400_000, None: -100_000}
    html = client.get(edit_url(draft)).content.decode()
    assert 'name="eco-gain_2029" value="400.000"' in html
    assert 'name="eco-gain_varig" value="100.000"' in html


def test_a_bad_amount_is_refused_next_to_its_cell_and_kept(client, draft, staff):
    client.force_login(staff)
    response = post_edit(
        client,
        draft,
        minimal(title="Ændret titel", **{"eco-investment_2027": "12,5 mio", "eco-gain_2028": "-5"}),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_eco-investment_2027-error"' in html
    assert gettext("Enter a whole amount in kroner, e.g. 1.250.000.") in html
    assert 'value="12,5 mio"' in html
    assert 'id="id_eco-gain_2028-error"' in html
    assert 'href="#id_eco-investment_2027"' in html
    assert 'aria-describedby="id_eco-investment_2027-error"' in html
    assert html.count('class="sidenav-error"') == 1  # the economy section only
    draft.refresh_from_db()
    assert draft.title == "Ny jobportal"
    assert draft.version == 1
    assert not CaseEconomyLine.objects.filter(case=draft).exists()


def test_an_emptied_cell_removes_its_line(client, draft, staff):
    CaseEconomyLineFactory(case=draft, kind="operating", year=2029, amount=10)
    client.force_login(staff)
    post_edit(client, draft, minimal(**{"eco-operating_2029": ""}))
    assert not CaseEconomyLine.objects.filter(case=draft).exists()


def test_the_server_computes_row_and_column_totals_and_the_net_effect(client, draft, staff):
    for kind, year, amount in (
        ("investment", 2027, 1_000_000),
        ("investment", 2028, 500_000),
        ("operating", 2028, 100_000),
        ("gain", 2028, -300_000),
        ("gain", None, -200_000),
    ):
        CaseEconomyLineFactory(case=draft, kind=kind, year=year, amount=amount)
    client.force_login(staff)
    html = client.get(edit_url(draft)).content.decode()
    assert 'data-row-total="investment">1.500.000<' in html
    assert 'data-row-total="gain">300.000<' in html
    assert 'data-column-total="2027">1.000.000<' in html
    assert 'data-column-total="2028">300.000<' in html
    assert 'data-column-total="varig">-200.000<' in html
    assert "data-net-total>1.300.000<" in html


def test_the_totals_follow_the_typed_amounts_when_the_form_comes_back(client, draft, staff):
    client.force_login(staff)
    html = post_edit(
        client,
        draft,
        minimal(**{"eco-investment_2027": "2 000", "eco-investment_2028": "x"}),
    ).content.decode()
    assert 'data-row-total="investment">2.000<' in html


# --- checking for submission ----------------------------------------------------------


def test_check_saves_and_lists_every_problem_next_to_its_field(client, draft, staff, frame):
    client.force_login(staff)
    response = post_edit(client, draft, minimal(summary="Skrevet inden tjek", action="check"))
    assert response.status_code == 302
    assert response["Location"] == f"{edit_url(draft)}?tjek=1#resultat"
    draft.refresh_from_db()
    assert draft.summary == "Skrevet inden tjek"

    html = client.get(response["Location"]).content.decode()
    problems = draft.submission_problems()
    assert 'class="alert alert-error"' in html
    for anchor in ("id_background", "id_solution", "id_contact_email", "id_risk_level"):
        assert f'href="#{anchor}"' in html
        assert f'id="{anchor}-error"' in html
    assert f'href="#id_themes_{frame["themes"][0].pk}"' in html
    assert f'href="#id_principle_{frame["principles"][0].pk}"' in html
    assert 'href="#id_eco-investment_2027"' in html
    for messages in problems.values():
        for message in messages:
            assert message.replace("'", "&#x27;") in html
    assert "Skrevet inden tjek" in html


def test_the_missing_economy_message_is_announced_from_the_first_cell(
    client, draft, staff, frame
):
    client.force_login(staff)
    response = post_edit(client, draft, minimal(action="check"))
    html = client.get(response["Location"]).content.decode()
    assert html.count('id="economy-error"') == 1
    first_cell = re.search(r'<input[^>]*id="id_eco-investment_2027"[^>]*>', html).group(0)
    assert re.search(r'aria-describedby="[^"]*\beconomy-error\b', first_cell)
    assert 'id="id_eco-investment_2027-error"' not in html


def test_check_tells_when_the_case_is_ready_for_the_it_lead(client, draft, staff, frame):
    client.force_login(staff)
    response = post_edit(client, draft, complete(frame, action="check"))
    draft.refresh_from_db()
    assert draft.submission_problems() == {}
    html = client.get(response["Location"]).content.decode()
    assert 'class="alert alert-error"' not in html
    assert 'class="alert alert-success"' in html
    assert draft.department.name in html
    assert draft.state == CaseState.DRAFT


def test_a_rule_the_model_refuses_shows_next_to_its_field_and_saves_nothing(
    client, draft, staff, monkeypatch
):
    def refuse(case):
        raise ValidationError({"summary": "Modellen afviser resuméet."})

    monkeypatch.setattr(InvestmentCase, "clean", refuse)
    client.force_login(staff)
    response = post_edit(client, draft, minimal(summary="Nyt resumé"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_summary-error"' in html
    assert "Modellen afviser resuméet." in html
    draft.refresh_from_db()
    assert (draft.summary, draft.version) == ("Et fælles system for hele kommunen.", 1)


@pytest.mark.parametrize("who", ["director", "secretariat", "committee_reader"])
def test_the_create_service_checks_permission_itself(cycle, who, request):
    with pytest.raises(PermissionDenied):
        case_create(actor=request.getfixturevalue(who), cycle=cycle,
                    data=CaseData(fields={"title": "Uden forvaltning"}))
    assert not InvestmentCase.objects.exists()
