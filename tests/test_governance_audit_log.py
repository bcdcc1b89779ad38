"""The audit log: every transition and change of a cycle, filtered, paginated and as CSV."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.models import CaseTransition
from portfolio.models import CaseEconomyLine, CaseState, EconomyKind, InvestmentCase

from .factories import (
    BudgetCycleFactory,
    CasePrincipleFactory,
    InvestmentCaseFactory,
    PrincipleFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

URL = "/proces/revisionslog/"


def edit(obj, user, **changes):
    """Save a change as ``user``, as a request through the history middleware would."""
    obj._history_user = user
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save()
    return obj


@pytest.fixture
def story(cycle, department, other_department, staff, it_lead, outsider):
    """One case told through every kind of record, one case elsewhere, one in another cycle."""
    case = InvestmentCaseFactory(
        title="Fælles booking", cycle=cycle, department=department, created_by=staff
    )
    edit(case, staff, title="Fælles booking af lokaler", risk_level="high")
    case._history_user = staff
    case.themes.add(ThemeFactory(name="Teknologi og data", number=1))
    line = edit(
        CaseEconomyLine(case=case, kind=EconomyKind.INVESTMENT, year=2027, amount=1_000_000),
        staff,
    )
    edit(line, staff, amount=1_250_000)
    CasePrincipleFactory(
        case=case, principle=PrincipleFactory(name="Fælles først"), justification="Vi deler"
    )
    edit(case, it_lead, state=CaseState.SUBMITTED)
    CaseTransition.objects.create(
        case=case, from_state=CaseState.DRAFT, to_state=CaseState.SUBMITTED, actor=it_lead,
        comment="Klar til kvalificering",
    )
    elsewhere = InvestmentCaseFactory(
        title="Sundhedsdata", cycle=cycle, department=other_department, created_by=outsider
    )
    edit(elsewhere, outsider, summary="Nyt resumé")
    InvestmentCaseFactory(
        title="Sidste års sag", cycle=BudgetCycleFactory(budget_year=2026),
        department=department,
    )
    return case, elsewhere


def entries(response):
    return list(response.context["log"])


def test_it_asks_anonymous_visitors_to_log_in(client, cycle):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("who", ["staff", "it_lead", "director", "committee_reader"])
def test_it_refuses_everyone_but_the_secretariat_also_the_export(client, cycle, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"format": "csv"}).status_code == 403


def test_it_tells_every_change_and_transition_in_plain_words_newest_first(
    client, story, secretariat
):
    case, elsewhere = story
    edit(case, secretariat, price_year=2028)
    client.force_login(secretariat)

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Titel: Fælles booking → Fælles booking af lokaler" in html
    assert "Risikoniveau: (tom) → Høj" in html
    assert "Tema tilføjet: 1. Teknologi og data" in html
    assert "Investering 2027: 1.000.000 kr. tilføjet" in html
    assert "Investering 2027: 1.000.000 → 1.250.000 kr." in html
    assert "Princip tilføjet: Fælles først" in html
    assert "Vi deler" in html
    assert "Kladde → Indsendt" in html and "Klar til kvalificering" in html
    assert "Nyt resumé" in html
    assert "Pris- og lønniveau (p/l): 2027 → 2028" in html
    assert "Sidste års sag" not in html
    found = entries(response)
    assert [e.when for e in found] == sorted((e.when for e in found), reverse=True)
    assert found[0].case_title == "Fælles booking af lokaler"
    assert found[0].user == secretariat
    # The save that only changed the state is told by its transition, not twice.
    assert sum(1 for e in found if e.kind == "transition") == 1
    assert not any(e.what == "Sagen er ændret" and not e.changes for e in found)


def test_it_filters_by_department(client, story, secretariat, other_department):
    client.force_login(secretariat)
    found = entries(client.get(URL, {"department": other_department.pk}))
    assert found and {e.case_title for e in found} == {"Sundhedsdata"}


def test_each_page_of_a_filter_shows_its_own_values_also_when_the_same_filter_came_before(
    client, story, secretariat, department, other_department, staff, outsider
):
    # A page's SQL is compiled once per set of filters and reused with the values swapped in.
    client.force_login(secretariat)

    def page(**params):
        return client.get(URL, params).context["page"].object_list

    assert {e.case_title for e in page(department=department.pk)} == {
        "Fælles booking af lokaler"
    }
    assert {e.case_title for e in page(department=other_department.pk)} == {"Sundhedsdata"}
    assert {e.user for e in page(user=staff.pk)} == {staff}
    assert {e.user for e in page(user=outsider.pk)} == {outsider}


def test_it_filters_by_user(client, story, secretariat, it_lead):
    client.force_login(secretariat)
    found = entries(client.get(URL, {"user": it_lead.pk}))
    assert [e.kind for e in found] == ["transition"]
    assert found[0].user == it_lead


def test_it_filters_by_case(client, story, secretariat):
    case, elsewhere = story
    client.force_login(secretariat)
    found = entries(client.get(URL, {"case": case.pk}))
    assert len(found) >= 7
    assert {e.case_id for e in found} == {case.pk}


def test_it_filters_by_date_range(client, story, secretariat):
    case, elsewhere = story
    ten_days_ago = timezone.now() - datetime.timedelta(days=10)
    InvestmentCase.history.filter(id=elsewhere.pk).update(history_date=ten_days_ago)
    today = timezone.localdate()
    client.force_login(secretariat)

    recent = entries(client.get(URL, {"date_from": today.isoformat()}))
    old = entries(client.get(URL, {"date_to": (today - datetime.timedelta(days=5)).isoformat()}))

    assert recent and elsewhere.pk not in {e.case_id for e in recent}
    assert old and {e.case_id for e in old} == {elsewhere.pk}


def test_it_explains_a_date_range_that_ends_before_it_starts(client, story, secretariat):
    client.force_login(secretariat)
    response = client.get(URL, {"date_from": "2026-05-02", "date_to": "2026-05-01"})

    html = response.content.decode()
    assert "Slutdatoen kan ikke ligge før startdatoen." in html
    assert 'value="02/05/2026"' in html  # shown as the app writes dates: dd/mm/åååå
    assert 'aria-describedby="id_date_to-error id_date_to-hint"' in html
    assert 'id="id_date_to-error"' in html
    assert entries(response) == []


def test_the_filter_form_has_a_label_for_every_field(client, cycle, secretariat):
    client.force_login(secretariat)
    html = client.get(URL).content.decode()
    for name in ("cycle", "department", "user", "case", "date_from", "date_to"):
        assert f'<label class="form-label" for="id_{name}">' in html
        assert f'id="id_{name}"' in html


def test_the_csv_export_uses_the_filters_and_opens_in_danish_excel(
    client, story, secretariat, department
):
    case, elsewhere = story
    edit(case, secretariat, dependencies="=SUM(A1:A2)")
    client.force_login(secretariat)

    response = client.get(URL, {"format": "csv", "department": department.pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="revisionslog-2027.csv"'
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Tidspunkt", "Bruger", "Forvaltning", "Sagsnummer", "Sag", "Hændelse",
        "Hvad er ændret", "Kommentar",
    ]
    body = rows[1:]
    assert len(body) == len(entries(client.get(URL, {"department": department.pk})))
    assert all(row[2] == "Beskæftigelses- og Integrationsforvaltningen" for row in body)
    assert not any("Sundhedsdata" in row for row in body)
    assert any(
        row[6] == "Titel: Fælles booking → Fælles booking af lokaler; Risikoniveau: (tom) → Høj"
        for row in body
    )
    assert any(row[5] == "Overgang" and row[7] == "Klar til kvalificering" for row in body)
    assert any(row[6] == "Afhængigheder: (tom) → =SUM(A1:A2)" for row in body)


def test_a_cell_that_starts_like_a_formula_is_exported_as_text(client, cycle, department,
                                                               secretariat, staff):
    InvestmentCaseFactory(title="=HYPERLINK(\"x\")", cycle=cycle, department=department)
    client.force_login(secretariat)

    response = client.get(URL, {"format": "csv"})

    content = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][4] == "'=HYPERLINK(\"x\")"


def test_the_query_count_does_not_grow_with_the_rows(
    client, cycle, department, staff, secretariat
):
    client.force_login(secretariat)

    def measure(params=None):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, params or {}).status_code == 200
        return len(queries)

    InvestmentCaseFactory(cycle=cycle, department=department)
    few = measure()
    theme = ThemeFactory()
    for n in range(30):
        case = InvestmentCaseFactory(cycle=cycle, department=department, created_by=staff)
        edit(case, staff, title=f"Ny titel {n}")
        case.themes.add(theme)
        edit(CaseEconomyLine(case=case, kind=EconomyKind.OPERATING, year=2028, amount=5), staff)
        CasePrincipleFactory(case=case)
        CaseTransition.objects.create(
            case=case, from_state=CaseState.DRAFT, to_state=CaseState.SUBMITTED, actor=staff
        )
    many = measure()
    many_csv = measure({"format": "csv"})

    assert few == many
    assert many_csv <= many
    # Nine sources (case versions, economy, principles, assessments, scores, board
    # places, money, phases, transitions) and the channels' names.
    assert many <= 36


def test_it_pages_through_many_entries_and_keeps_the_filters(
    client, cycle, department, staff, secretariat
):
    for n in range(30):
        edit(InvestmentCaseFactory(cycle=cycle, department=department), staff, title=f"T{n}")
    client.force_login(secretariat)

    first = client.get(URL, {"department": department.pk})
    second = client.get(URL, {"department": department.pk, "page": 2})

    assert client.get(URL, {"department": department.pk, "count": 1}).context[
        "page"
    ].paginator.count == 60
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].has_next() and not second.context["page"].has_next()
    assert len(second.context["page"].object_list) == 10
    assert f"department={department.pk}&amp;page=2" in first.content.decode()


def many_entries(cycle, department, staff, cases):
    """``cases`` cases with six entries each: created, retitled, theme, economy, principle,
    transition (the save that only changed the state is no entry)."""
    theme = ThemeFactory()
    for n in range(cases):
        case = InvestmentCaseFactory(cycle=cycle, department=department, created_by=staff)
        edit(case, staff, title=f"Ny titel {n}")
        case._history_user = staff
        case.themes.add(theme)
        edit(CaseEconomyLine(case=case, kind=EconomyKind.OPERATING, year=2028, amount=5), staff)
        CasePrincipleFactory(case=case)
        edit(case, staff, state=CaseState.SUBMITTED)
        CaseTransition.objects.create(
            case=case, from_state=CaseState.DRAFT, to_state=CaseState.SUBMITTED, actor=staff
        )


def test_the_query_count_of_the_first_and_a_later_page_does_not_grow_with_the_history(
    client, cycle, department, staff, secretariat
):
    client.force_login(secretariat)

    def measure(params):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, params)
        assert response.status_code == 200
        return len(queries), len(response.context["page"].object_list)

    many_entries(cycle, department, staff, 15)
    first_few, later_few = measure({}), measure({"page": 2})
    many_entries(cycle, department, staff, 45)
    first_many, later_many = measure({}), measure({"page": 2})
    last_many = measure({"page": 6})

    assert first_few[0] == first_many[0] and first_many[1] == 50
    assert later_few[0] == later_many[0] == last_many[0]
    assert later_many[1] == 50 and last_many[1] > 0


def test_a_later_page_holds_the_entries_that_follow_the_first_newest_first(
    client, cycle, department, staff, secretariat
):
    many_entries(cycle, department, staff, 25)
    client.force_login(secretariat)

    everything = entries(client.get(URL))
    second = list(client.get(URL, {"page": 2}).context["page"].object_list)

    keys = [(e.case_id, e.what, e.when) for e in everything]
    # 25 cases with six entries each, and the seven phases the cycle was created with.
    assert len(everything) == client.get(URL, {"count": 1}).context["page"].paginator.count
    assert len(everything) == 157
    assert [(e.case_id, e.what, e.when) for e in second] == keys[50:100]
    assert [e.when for e in everything] == sorted((e.when for e in everything), reverse=True)
    # The save that only changed the state is told by its transition, not counted twice.
    assert sum(1 for e in everything if e.kind == "transition") == 25


def test_the_csv_export_is_streamed_with_every_entry_in_order(
    client, cycle, department, staff, secretariat
):
    many_entries(cycle, department, staff, 12)
    client.force_login(secretariat)

    response = client.get(URL, {"format": "csv"})

    assert isinstance(response, StreamingHttpResponse)
    content = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))[1:]
    expected = entries(client.get(URL))
    assert len(rows) == len(expected) == 12 * 6 + 7
    assert [(row[3], row[5], row[6]) for row in rows] == [
        (str(e.case_id or ""), e.what, e.changes_text) for e in expected
    ]


def test_it_filters_by_a_case_number_and_explains_one_that_is_not_a_number(
    client, story, secretariat
):
    case, elsewhere = story
    client.force_login(secretariat)

    unknown = client.get(URL, {"case": elsewhere.pk + 1000})
    wrong = client.get(URL, {"case": "abc"})

    assert entries(unknown) == []
    assert "Intet passer til filteret." in unknown.content.decode()
    assert wrong.context["form"].errors["case"]
    html = unknown.content.decode()
    assert '<input type="number" name="case"' in html
    assert f'value="{elsewhere.pk + 1000}"' in html
    assert "<option" not in html.split('name="case"')[1].split("</div>")[0]


def test_the_export_streams_in_chunks_with_the_same_queries_for_more_history(
    client, cycle, department, staff, secretariat, monkeypatch
):
    from governance import audit

    client.force_login(secretariat)

    def export():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"format": "csv"})
            content = b"".join(response.streaming_content)
        return len(queries), content

    many_entries(cycle, department, staff, 5)
    few_queries, _content = export()
    many_entries(cycle, department, staff, 20)
    many_queries, whole = export()
    # Read in chunks of 7 rows, every source several chunks long, the file is the same.
    monkeypatch.setattr(audit, "CHUNK_SIZE", 7)
    chunked_queries, chunked = export()

    assert few_queries == many_queries
    assert chunked == whole and whole.count(b"\n") > 100
    # A chunk of case versions reads the versions before and their links: two queries.
    assert chunked_queries <= many_queries + 2 * (25 * 3 // 7 + 1)


def test_a_page_is_read_without_counting_the_whole_log(
    client, cycle, department, staff, secretariat, settings
):
    settings.LANGUAGE_CODE = "da"
    many_entries(cycle, department, staff, 10)
    client.force_login(secretariat)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"department": department.pk})

    body = response.content.decode()
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not any("historical" in sql for sql in counts)
    assert len(response.context["page"].object_list) == 50
    assert "Side 1" in body and "Ældre hændelser" in body and "af 2" not in body
    # The total follows by itself (htmx), or on the link without JavaScript.
    link = f"?department={department.pk}&amp;count=1"
    assert f'hx-get="{link}"' in body and f'href="{link}"' in body


def test_the_total_is_given_on_request_as_a_fragment_or_with_the_page(
    client, cycle, department, staff, secretariat, settings
):
    settings.LANGUAGE_CODE = "da"
    many_entries(cycle, department, staff, 10)
    client.force_login(secretariat)

    fragment = client.get(URL, {"department": department.pk, "count": 1},
                          HTTP_HX_REQUEST="true")
    page = client.get(URL, {"department": department.pk, "count": 1})

    assert fragment.content.decode().strip() == '<p id="audit-count">60 hændelser</p>'
    body = page.content.decode()
    assert "60 hændelser" in body and "Side 1 af 2" in body
    # Its pages keep counting.
    assert f"department={department.pk}&amp;count=1&amp;page=2" in body


def test_a_page_past_the_end_shows_the_last_page(client, cycle, department, staff, secretariat):
    many_entries(cycle, department, staff, 10)
    client.force_login(secretariat)

    response = client.get(URL, {"department": department.pk, "page": 7})

    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 10
