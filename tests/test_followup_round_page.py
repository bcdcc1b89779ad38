"""A round's page: its summary, the filtered and paged list of reports, the same lights
as the report pages, and the same queries for a small and a large round."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.followup import services
from governance.followup.models import FollowUpReport, Light, ReportStatus
from governance.followup.selectors import reports_with_figures, round_lines
from governance.followup.views import REPORTS_PER_PAGE
from portfolio.models import Role

from .factories import DepartmentFactory, UserFactory
from .factories_followup import approved_case, fill, open_round

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _danish(settings):
    settings.LANGUAGE_CODE = "da"


@pytest.fixture
def round_with_lights(secretariat, department, other_department, staff, it_lead, cycle):
    """Five reports of two departments: red, yellow, green, overridden, and submitted."""
    cases = {
        name: approved_case(department=dept, cycle=cycle, title=name, gains=gains)
        for name, dept, gains in (
            ("Rød sag", department, None),
            ("Gul sag", department, None),
            ("Grøn sag", department, {2027: 1_000_000}),
            ("Tilsidesat sag", department, None),
            ("Anden forvaltnings sag", other_department, None),
        )
    }
    round_ = open_round(secretariat)
    report = {name: FollowUpReport.objects.get(round=round_, case=c) for name, c in cases.items()}
    on_time = datetime.date(2028, 12, 31)
    fill(report["Rød sag"], staff, expected_total=14_000_000, expected_completion=on_time)
    fill(
        report["Gul sag"],
        staff,
        expected_total=10_000_000,
        expected_completion=datetime.date(2029, 3, 1),
    )
    fill(
        report["Grøn sag"],
        staff,
        expected_total=10_000_000,
        expected_completion=on_time,
        years={2027: (1, 1_000_000)},
    )
    fill(
        report["Tilsidesat sag"],
        staff,
        expected_total=14_000_000,
        expected_completion=on_time,
        cost_override=Light.GREEN,
        cost_override_reason="Finansieret.",
    )
    services.report_submit(actor=it_lead, report=report["Grøn sag"])
    return round_, report


def test_the_lines_light_the_reports_as_the_report_pages_do(round_with_lights):
    round_, _report = round_with_lights
    figures = reports_with_figures(FollowUpReport.objects.filter(round=round_))
    expected = {
        f.report.pk: {light.aspect: (light.computed, light.override) for light in f.lights}
        for f in figures
    }
    lines = round_lines(round_)
    assert {line.pk: line.judged for line in lines} == expected
    # And the totals the list shows beside the lights.
    assert {line.pk: (line.granted_total, line.expected_total) for line in lines} == {
        f.report.pk: (f.granted_total, f.expected_total) for f in figures
    }
    assert [line.case_title for line in lines][:2] == ["Rød sag", "Gul sag"]


def test_the_page_sums_up_the_round_before_its_list(client, secretariat, round_with_lights):
    round_, report = round_with_lights
    client.force_login(secretariat)
    response = client.get(round_.get_absolute_url())
    body = response.content.decode()
    overview = response.context["overview"]
    assert (overview.total, overview.submitted, overview.missing) == (5, 1, 4)
    # The overridden report is counted with its red computed light, shown as green.
    assert overview.with_red == 2
    assert dict(overview.worst_counts)[Light.RED] == 1
    assert "1 af 5 afrapporteringer er indsendt." in body
    assert body.index('id="summary-heading"') < body.index('id="reports"')
    departments = {d.name: d for d in overview.departments}
    assert departments[report["Rød sag"].department.name].missing == 3
    # Who has not reported: per department, each a link to its reports not submitted.
    dept = report["Rød sag"].department
    assert f"?department={dept.pk}&amp;status=draft#reports" in body


def test_the_list_is_filtered_by_status_department_and_light(
    client, secretariat, round_with_lights
):
    round_, report = round_with_lights
    client.force_login(secretariat)
    url = round_.get_absolute_url()

    def titles(query):
        response = client.get(url + query)
        assert response.status_code == 200
        return [line.case_title for line in response.context["reports"]]

    assert titles("") == [
        "Rød sag",
        "Gul sag",
        "Anden forvaltnings sag",
        "Grøn sag",
        "Tilsidesat sag",
    ]
    assert titles("?status=submitted") == ["Grøn sag"]
    other = report["Anden forvaltnings sag"].department_id
    assert titles(f"?department={other}") == ["Anden forvaltnings sag"]
    assert titles("?light=red") == ["Rød sag"]
    assert titles("?light=yellow&status=draft") == ["Gul sag"]
    # A value the form does not know shows every report, not an error.
    assert len(titles("?department=abc&light=purple")) == 5


def test_a_large_round_is_shown_a_page_at_a_time(client, secretariat, department, cycle):
    for i in range(REPORTS_PER_PAGE + 2):
        approved_case(department=department, cycle=cycle, title=f"Sag {i:03d}")
    round_ = open_round(secretariat)
    client.force_login(secretariat)
    first = client.get(round_.get_absolute_url())
    last = client.get(round_.get_absolute_url() + "?page=2")
    body = first.content.decode()
    assert len(first.context["reports"]) == REPORTS_PER_PAGE
    assert [line.case_title for line in last.context["reports"]] == ["Sag 050", "Sag 051"]
    assert "Side 1 af 2" in body and "Afrapportering 1–50 af 52" in body
    assert body.count("data-report=") == REPORTS_PER_PAGE


def test_a_department_user_cannot_filter_the_round(client, staff, round_with_lights):
    round_, _report = round_with_lights
    client.force_login(staff)
    assert client.get(round_.get_absolute_url() + "?status=draft").status_code == 403


def test_the_page_runs_the_same_queries_for_a_small_and_a_large_round(client, secretariat, cycle):
    def grow(n, start):
        for i in range(start, start + n):
            department = DepartmentFactory()
            UserFactory(department=department, roles=[Role.DEPARTMENT_STAFF])
            approved_case(
                department=department, cycle=cycle, title=f"Sag {i}", gains={2027: 500_000}
            )

    grow(2, 0)
    small = open_round(secretariat, year=2028, season="may")
    grow(REPORTS_PER_PAGE + 5, 2)
    large = open_round(secretariat, year=2028, season="november")
    assert large.reports.count() > REPORTS_PER_PAGE > small.reports.count()
    client.force_login(secretariat)
    counts = []
    for url in (
        small.get_absolute_url(),
        large.get_absolute_url(),
        large.get_absolute_url() + f"?status={ReportStatus.DRAFT}&page=2",
    ):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2]


def test_the_rows_show_the_lights_and_escape_the_case_titles(
    client, secretariat, round_with_lights
):
    round_, report = round_with_lights
    case = report["Tilsidesat sag"].case
    case.title = "<b>Tilsidesat</b> & sag"
    case.save()
    client.force_login(secretariat)
    body = client.get(round_.get_absolute_url()).content.decode()
    row = body[body.index(f'data-report="{report["Tilsidesat sag"].pk}"') :]
    row = row[: row.index("</tr>")]
    assert "&lt;b&gt;Tilsidesat&lt;/b&gt; &amp; sag" in row and "<b>" not in row
    assert f'href="{report["Tilsidesat sag"].get_absolute_url()}"' in row
    # The computed red light, and beside it the department's green one.
    assert row.index("kk-light--red") < row.index("Sat af forvaltningen:")
    assert row.index("Sat af forvaltningen:") < row.index("kk-light--green")
    assert "14.000" in row and "Ikke indsendt" in row
    # A filter that matches nothing says so in the table too.
    body = client.get(round_.get_absolute_url() + "?light=red&status=submitted").content.decode()
    assert "Ingen afrapporteringer." in body and "data-report=" not in body


def test_a_rebaselined_draft_is_marked_and_judged_on_its_new_baseline(
    client, secretariat, round_with_lights
):
    round_, report = round_with_lights
    red = report["Rød sag"]
    services.case_rebaseline(
        actor=secretariat,
        case=red.case,
        granted_by_year={2027: 14_000_000},
        completion_date=datetime.date(2028, 12, 31),
        decided_on=datetime.date(2028, 6, 1),
        decision_text="Ny bevilling.",
    )
    line = next(line for line in round_lines(round_) if line.pk == red.pk)
    assert line.rebaselined and line.granted_total == 14_000_000
    assert line.judged["cost"] == (Light.GREEN, "")
    client.force_login(secretariat)
    body = client.get(round_.get_absolute_url()).content.decode()
    row = body[body.index(f'data-report="{red.pk}"') :]
    assert "Ny baseline" in row[: row.index("</tr>")]
