"""The case list: who sees which cases, filters, search, sorting, paging, query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from portfolio.models import CaseEconomyLine, CaseScope, CaseState, CaseType, EconomyKind

from .factories import (
    BudgetCycleFactory,
    DepartmentFactory,
    InvestmentCaseFactory,
    PrincipleFactory,
    ThemeFactory,
)
from .portfolio_read_data import fast_passwords, full_case, strategy_frame  # noqa: F401

URL = reverse("portfolio:case-list")


def listed(response):
    return [case.title for case in response.context["page_obj"]]


@pytest.fixture
def own_draft(department, cycle, staff):
    return InvestmentCaseFactory(
        title="BIF kladde", department=department, cycle=cycle, created_by=staff
    )


@pytest.fixture
def other_draft(other_department, cycle, outsider):
    return InvestmentCaseFactory(
        title="SUF kladde", department=other_department, cycle=cycle, created_by=outsider
    )


@pytest.fixture
def other_submitted(other_department, cycle, outsider):
    return InvestmentCaseFactory(
        title="SUF indsendt",
        department=other_department,
        cycle=cycle,
        created_by=outsider,
        state=CaseState.SUBMITTED,
    )


@pytest.fixture
def forwarded(other_department, cycle, outsider):
    return InvestmentCaseFactory(
        title="SUF videresendt",
        department=other_department,
        cycle=cycle,
        created_by=outsider,
        state=CaseState.FORWARDED,
    )


@pytest.fixture
def cases(own_draft, other_draft, other_submitted, forwarded):
    return [own_draft, other_draft, other_submitted, forwarded]


def test_it_sends_anonymous_users_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_department_user_starts_on_their_own_departments_cases(client, staff, cases):
    client.force_login(staff)
    response = client.get(URL)
    assert listed(response) == ["BIF kladde"]
    assert response.context["showing_own"] is True
    assert "Mine sager (BIF)" in response.content.decode()


def test_a_department_user_can_see_all_cases_they_may_read(
    client, staff, cases, other_submitted, department
):
    other_submitted.participating_departments.add(department)
    client.force_login(staff)
    response = client.get(URL, {"department": ""})
    assert sorted(listed(response)) == ["BIF kladde", "SUF indsendt"]
    assert response.context["showing_own"] is False


def test_another_departments_draft_is_never_listed(client, staff, cases):
    client.force_login(staff)
    response = client.get(URL, {"department": "SUF"})
    assert listed(response) == []
    assert "SUF kladde" not in response.content.decode()


def test_directors_see_submitted_cases_and_no_drafts(client, director, cases):
    client.force_login(director)
    response = client.get(URL)
    assert sorted(listed(response)) == ["SUF indsendt", "SUF videresendt"]
    assert response.context["own_department"] is None


def test_committee_readers_see_only_cases_before_the_committee(client, committee_reader, cases):
    client.force_login(committee_reader)
    assert listed(client.get(URL)) == ["SUF videresendt"]


def test_the_secretariat_sees_every_case(client, secretariat, cases):
    client.force_login(secretariat)
    assert len(listed(client.get(URL))) == 4


def test_it_filters_by_state_scope_type_and_cycle(client, secretariat, department, cycle, staff):
    InvestmentCaseFactory(
        title="Match",
        department=department,
        cycle=cycle,
        state=CaseState.SUBMITTED,
        scope=CaseScope.CROSS_CUTTING,
        case_type=CaseType.RETENDER,
    )
    InvestmentCaseFactory(
        title="Andet år",
        department=department,
        cycle=BudgetCycleFactory(budget_year=2028),
        state=CaseState.SUBMITTED,
        scope=CaseScope.CROSS_CUTTING,
        case_type=CaseType.RETENDER,
    )
    InvestmentCaseFactory(
        title="Kladde",
        department=department,
        cycle=cycle,
        scope=CaseScope.CROSS_CUTTING,
        case_type=CaseType.RETENDER,
    )
    InvestmentCaseFactory(
        title="Platform",
        department=department,
        cycle=cycle,
        state=CaseState.SUBMITTED,
        case_type=CaseType.PLATFORM,
    )
    client.force_login(secretariat)
    response = client.get(
        URL,
        {"state": "submitted", "scope": "cross_cutting", "case_type": "retender", "cycle": "2027"},
    )
    assert listed(response) == ["Match"]


def test_it_filters_by_department_theme_and_principle(client, secretariat, department, cycle):
    theme, other_theme = ThemeFactory(), ThemeFactory()
    principle = PrincipleFactory(number=1)
    wanted = InvestmentCaseFactory(title="Med tema", department=department, cycle=cycle)
    wanted.themes.add(theme, other_theme)
    wanted.principle_links.create(principle=principle, justification="Fælles.")
    InvestmentCaseFactory(title="Uden tema", department=department, cycle=cycle)
    client.force_login(secretariat)
    assert listed(client.get(URL, {"theme": theme.pk})) == ["Med tema"]
    assert listed(client.get(URL, {"principle": principle.pk})) == ["Med tema"]
    assert sorted(listed(client.get(URL, {"department": "BIF"}))) == ["Med tema", "Uden tema"]


def test_it_searches_title_and_summary(client, secretariat, department, cycle):
    InvestmentCaseFactory(
        title="Robotter i jobcentret", summary="", department=department, cycle=cycle
    )
    InvestmentCaseFactory(
        title="Ny platform", summary="Bruger robotter til post.", department=department, cycle=cycle
    )
    InvestmentCaseFactory(
        title="Selvbetjening", summary="Borgerne selv.", department=department, cycle=cycle
    )
    client.force_login(secretariat)
    assert sorted(listed(client.get(URL, {"q": "robotter"}))) == [
        "Ny platform",
        "Robotter i jobcentret",
    ]


def test_it_sorts_by_title_and_by_investment(client, secretariat, department, cycle):
    for title, amount in (("B", 300_000), ("A", 100_000), ("C", 200_000)):
        case = InvestmentCaseFactory(title=title, department=department, cycle=cycle)
        CaseEconomyLine.objects.create(
            case=case, kind=EconomyKind.INVESTMENT, year=2027, amount=amount
        )
    client.force_login(secretariat)
    assert listed(client.get(URL, {"sort": "title"})) == ["A", "B", "C"]
    assert listed(client.get(URL, {"sort": "-title"})) == ["C", "B", "A"]
    response = client.get(URL, {"sort": "-investment"})
    assert listed(response) == ["B", "C", "A"]
    assert [case.total_investment for case in response.context["page_obj"]] == [
        300_000,
        200_000,
        100_000,
    ]


def test_it_sorts_states_in_the_order_of_the_process(client, secretariat, department, cycle):
    for state in (CaseState.APPROVED, CaseState.DRAFT, CaseState.SUBMITTED):
        InvestmentCaseFactory(title=state.value, state=state, department=department, cycle=cycle)
    client.force_login(secretariat)
    assert listed(client.get(URL, {"sort": "state"})) == ["draft", "submitted", "approved"]


def test_it_pages_and_keeps_the_filters_in_the_page_links(client, secretariat, department, cycle):
    for n in range(30):
        InvestmentCaseFactory(
            title=f"Sag {n:02}", department=department, cycle=cycle, state=CaseState.SUBMITTED
        )
    InvestmentCaseFactory(title="Kladde", department=department, cycle=cycle)
    client.force_login(secretariat)
    response = client.get(URL, {"state": "submitted", "sort": "title", "page": 2})
    assert listed(response) == [f"Sag {n:02}" for n in range(25, 30)]
    page = response.content.decode()
    assert "?state=submitted&amp;sort=title&amp;page=1" in page
    assert 'aria-current="page"' in page


def test_a_wrong_filter_value_is_shown_and_the_rest_still_filters(
    client, secretariat, own_draft, other_submitted
):
    client.force_login(secretariat)
    response = client.get(URL, {"state": "nonsense", "department": "SUF"})
    assert response.status_code == 200
    assert "state" in response.context["form"].errors
    assert listed(response) == ["SUF indsendt"]


# Session, user, roles with the unread notifications (one query,
# kkdigital.middleware.UserHeaderMiddleware), the current cycle with its phases
# (one; two when no budget negotiations lie ahead, as here), the four lists of
# the filters (departments, cycles, themes, principles; the user's own department,
# which the header shows, and each row's department and cycle are taken from
# them), and the page of cases with their count (one query).
LIST_QUERIES = 10


@pytest.mark.parametrize(
    "who, params, expected",
    [
        ("staff", {}, LIST_QUERIES),
        ("staff", {"department": "", "q": "sag"}, LIST_QUERIES),
        ("secretariat", {"department": "", "sort": "-investment"}, LIST_QUERIES),
        # A page past the last (as here at both sizes): the page asked for comes back
        # empty, then the count and the last page are read (two queries more).
        (
            "secretariat",
            {"state": CaseState.SUBMITTED, "sort": "state", "page": "2"},
            LIST_QUERIES + 2,
        ),
    ],
)
def test_it_runs_the_same_queries_for_3_and_40_cases(
    client, who, params, expected, request, department, other_department, cycle, staff
):
    themes, _principles, _potentials = strategy_frame()
    client.force_login(request.getfixturevalue(who))
    counts = []
    made = 0
    for total in (3, 40):
        while made < total:
            case = InvestmentCaseFactory(
                department=department if made % 3 else other_department,
                cycle=cycle,
                created_by=staff,
                state=CaseState.SUBMITTED if made % 2 else CaseState.DRAFT,
                title=f"Sag {made}",
            )
            case.themes.add(themes[made % 3])
            case.participating_departments.add(department, other_department)
            CaseEconomyLine.objects.create(
                case=case, kind=EconomyKind.INVESTMENT, year=cycle.budget_year, amount=made
            )
            made += 1
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, params)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts == [expected, expected]


def test_a_case_with_several_participating_departments_is_listed_once(
    client, staff, department, other_department, cycle, outsider
):
    third = DepartmentFactory(code="KFF", name="Kultur- og Fritidsforvaltningen", note_prefix="KF")
    shared = InvestmentCaseFactory(
        title="Fælles sag",
        department=other_department,
        cycle=cycle,
        created_by=outsider,
        state=CaseState.SUBMITTED,
    )
    shared.participating_departments.add(department, third)
    client.force_login(staff)
    response = client.get(URL, {"department": ""})
    assert listed(response) == ["Fælles sag"]
    assert response.context["page_obj"].paginator.count == 1


def test_a_participating_department_does_not_see_the_others_draft(
    client, staff, department, other_department, cycle, outsider
):
    draft = InvestmentCaseFactory(
        title="SUF kladde med BIF", department=other_department, cycle=cycle, created_by=outsider
    )
    draft.participating_departments.add(department)
    client.force_login(staff)
    assert listed(client.get(URL, {"department": ""})) == []
    assert listed(client.get(URL, {"department": "", "q": "kladde"})) == []


def test_the_rows_show_type_state_cycle_and_investment_in_thousands(
    client, secretariat, department, cycle, staff
):
    case = InvestmentCaseFactory(
        title="Ny platform",
        department=department,
        cycle=cycle,
        created_by=staff,
        state=CaseState.RETURNED,
        case_type=CaseType.PLATFORM,
    )
    CaseEconomyLine.objects.create(
        case=case, kind=EconomyKind.INVESTMENT, year=cycle.budget_year, amount=1_250_499
    )
    client.force_login(secretariat)
    html = client.get(URL).content.decode()
    row = html[html.index("Ny platform") - 200 : html.index("</tr>", html.index("Ny platform"))]
    assert f'href="{case.get_absolute_url()}"' in row
    assert str(cycle) in row
    assert "Platform" in row
    assert 'class="badge badge-warning">Sendt tilbage<' in row
    assert ">1.250<" in row
    assert 'data-title="Investering"' in row


def test_it_offers_a_new_case_only_to_department_users(client, staff, director, db):
    try:
        reverse("portfolio:case-create")
        form_exists = True
    except NoReverseMatch:
        form_exists = False
    client.force_login(director)
    assert client.get(URL).context["create_url"] is None
    client.force_login(staff)
    assert (client.get(URL).context["create_url"] is not None) == form_exists


def test_the_header_names_the_users_department_read_with_the_filters(
    client, staff, secretariat, director, cases
):
    for user in (staff, secretariat, director):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(URL).content.decode()
        header = html.split("</header>")[0]
        assert user.get_full_name() in header
        if user.department is not None:
            assert f", {user.department.name}" in header
        # The department is one of the filter's rows, not a query of its own.
        assert not any(
            '"portfolio_department"."id" = ' in q["sql"] for q in queries.captured_queries
        )


def test_the_filter_select_writes_what_djangos_select_writes():
    from django import forms
    from django.utils.safestring import mark_safe

    from portfolio.choices import PlainSelect

    choices = [
        ("", "All"),
        ("a&b", 'A <b> & "c"'),
        ("x", mark_safe("<em>safe</em>")),
        ("Group", [("g1", "One"), ("x", "Again")]),
    ]
    for value in ("", "a&b", "x", "g1", None):
        ours = PlainSelect(choices=choices, attrs={"class": "form-select"})
        django = forms.Select(choices=choices, attrs={"class": "form-select"})
        attrs = {"id": "id_f"}
        assert ours.render("f", value, attrs) == django.render("f", value, attrs).replace(
            "\n  \n", "\n"
        ).replace("\n\n", "\n"), value


@pytest.mark.parametrize(
    ("asked", "shown"),
    [("1", 1), ("2", 2), ("3", 2), ("9999", 2), ("0", 2), ("-1", 2), ("abc", 1), ("", 1)],
)
def test_a_page_is_read_with_its_count_and_out_of_range_pages_still_land(
    client, secretariat, department, cycle, asked, shown
):
    for number in range(30):
        InvestmentCaseFactory(
            title=f"Sag {number:02d}", cycle=cycle, department=department, state=CaseState.SUBMITTED
        )
    client.force_login(secretariat)
    response = client.get(URL, {"page": asked, "sort": "title"})
    page = response.context["page_obj"]
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (shown, 30, 2)
    expected = [f"Sag {n:02d}" for n in range(30)][(shown - 1) * 25 : shown * 25]
    assert listed(response) == expected


def test_an_empty_list_is_not_counted_again(client, secretariat, cycle, django_assert_num_queries):
    client.force_login(secretariat)
    client.get(URL)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(URL, {"q": "finder intet"})
    assert response.context["page_obj"].paginator.count == 0
