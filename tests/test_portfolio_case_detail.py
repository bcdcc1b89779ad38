"""The case page: who may read it, what it shows, and how many queries it costs."""

import pytest
from django.urls import NoReverseMatch, reverse

from portfolio.models import CaseState, RiskLevel

from .factories import InvestmentCaseFactory
from .portfolio_read_data import fast_passwords, full_case, strategy_frame  # noqa: F401


def url(case):
    return reverse("portfolio:case-detail", args=[case.pk])


def edit_form_exists() -> bool:
    try:
        reverse("portfolio:case-edit", args=[1])
    except NoReverseMatch:
        return False
    return True


@pytest.fixture
def frame(db):
    return strategy_frame()


@pytest.fixture
def draft(department, cycle, staff, frame, other_department):
    case = full_case(
        department=department,
        cycle=cycle,
        author=staff,
        frame=frame,
        title="Robotter i jobcentret",
        summary="Robotter tager de faste opgaver.",
        background="Sagsbehandlerne bruger tid på rutiner.",
        solution="Softwarerobotter i tre fagsystemer.",
        contact_name="Anna Jensen",
        contact_email="anna@kk.dk",
        risk_level=RiskLevel.MEDIUM,
        risk_text="Fagsystemerne skifter version.",
        dependencies="Fælles robotplatform.",
        depends_on_it_service_centres=True,
    )
    case.participating_departments.add(other_department)
    return case


@pytest.fixture
def submitted(draft):
    draft.state = CaseState.SUBMITTED
    draft.save()
    return draft


def test_it_sends_anonymous_users_to_the_login(client, draft):
    response = client.get(url(draft))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_another_department_gets_404_for_a_draft(client, outsider, draft):
    client.force_login(outsider)
    assert client.get(url(draft)).status_code == 404


def test_a_participating_department_reads_the_submitted_case(client, outsider, submitted):
    client.force_login(outsider)
    response = client.get(url(submitted))
    assert response.status_code == 200
    assert response.context["edit_url"] is None


def test_directors_read_submitted_cases_but_not_drafts(client, director, draft):
    client.force_login(director)
    assert client.get(url(draft)).status_code == 404
    draft.state = CaseState.SUBMITTED
    draft.save()
    assert client.get(url(draft)).status_code == 200


def test_committee_readers_read_only_cases_before_the_committee(
    client, committee_reader, submitted
):
    client.force_login(committee_reader)
    assert client.get(url(submitted)).status_code == 404
    submitted.state = CaseState.FORWARDED
    submitted.save()
    assert client.get(url(submitted)).status_code == 200


def test_an_unknown_case_is_404(client, staff, db):
    client.force_login(staff)
    assert client.get(reverse("portfolio:case-detail", args=[999])).status_code == 404


def test_it_shows_every_field_and_the_strategic_anchoring(client, staff, draft, frame):
    client.force_login(staff)
    page = client.get(url(draft)).content.decode()
    themes, principles, potentials = frame
    for text in (
        "Robotter i jobcentret",
        "Robotter tager de faste opgaver.",
        "Sagsbehandlerne bruger tid på rutiner.",
        "Softwarerobotter i tre fagsystemer.",
        "Anna Jensen",
        "anna@kk.dk",
        "Middel",
        "Fagsystemerne skifter version.",
        "Fælles robotplatform.",
        "Sundheds- og Omsorgsforvaltningen (SUF)",
        "Beskæftigelses- og Integrationsforvaltningen",
        "Budget 2027",
        "2027 p/l",
        str(themes[0]),
        f"Mål for {themes[0].name}",
        principles[0].name,
        "Fælles løsning.",
        potentials[0].name,
        '<span class="sr-only">Status: </span>Kladde</span>',
    ):
        assert text in page, text
    assert str(themes[2]) not in page


def test_it_shows_the_economy_in_thousands_with_totals(client, staff, draft):
    client.force_login(staff)
    response = client.get(url(draft))
    economy = response.context["economy"]
    assert economy.years == [2027, 2028, 2029, 2030]
    assert economy.row_total("investment") == 4_000_000
    assert economy.column_totals == [750_000, 750_000, 750_000, 750_000, -500_000]
    page = response.content.decode()
    assert "1.000 kr., 2027 p/l" in page
    assert "<strong>3.000</strong>" in page  # the net effect 2027–2030
    assert "-500" in page  # the permanent gain
    assert "Varig" in page


def test_it_links_edit_only_for_the_department_while_editable(client, staff, director, draft):
    client.force_login(director)
    draft.state = CaseState.SUBMITTED
    draft.save()
    assert client.get(url(draft)).context["edit_url"] is None
    client.force_login(staff)
    assert client.get(url(draft)).context["edit_url"] is None
    draft.state = CaseState.RETURNED
    draft.save()
    response = client.get(url(draft))
    assert (response.context["edit_url"] is not None) == edit_form_exists()


def test_it_tells_the_department_what_is_missing_before_submission(
    client, staff, department, cycle
):
    case = InvestmentCaseFactory(department=department, cycle=cycle, created_by=staff)
    client.force_login(staff)
    page = client.get(url(case)).content.decode()
    assert "Mangler, før sagen kan indsendes" in page
    assert "Vælg mindst ét tema." in page


def test_it_is_never_cached(client, staff, draft):
    client.force_login(staff)
    response = client.get(url(draft))
    assert "no-store" in response["Cache-Control"]


def test_it_runs_the_same_number_of_queries_for_small_and_large_cases(
    client, staff, department, cycle, frame, django_assert_max_num_queries
):
    small = full_case(department=department, cycle=cycle, author=staff, frame=frame, edits=1)
    large = full_case(department=department, cycle=cycle, author=staff, frame=frame, edits=15)
    client.force_login(staff)
    for case in (small, large):
        # 22 today: session, user, roles, the case with its links, economy
        # and goals, the completeness check, and one query per history table;
        # three spare for the layout's header; two for "fælles først" (similar
        # cases of other departments, cross-cutting candidates); one for financing's
        # section (the allocations) and one for the budget note's link.
        with django_assert_max_num_queries(33):
            response = client.get(url(case))
        assert response.status_code == 200
