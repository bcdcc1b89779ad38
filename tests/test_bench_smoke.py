"""The benchmark in bench/ still runs: its data builder and every measurement, at a tiny size.

No times are asserted: a benchmark measures, it does not pass or fail on speed.
"""

import pytest

from bench import builder, measure
from governance.models import CaseTransition
from portfolio.models import CaseEconomyLine, CasePrinciple, InvestmentCase


@pytest.fixture
def portfolio(db):
    portfolio = builder.build_portfolio(edits=2)
    builder.grow(portfolio, 8)
    return portfolio


def test_the_builder_writes_cases_with_their_history_and_a_long_one_by_the_services(
    portfolio,
):
    assert InvestmentCase.objects.filter(cycle=portfolio.cycle).count() == 8
    bulk_case = InvestmentCase.objects.get(pk=portfolio.bench_case_pk)
    assert bulk_case.department.code == "BIF"
    assert bulk_case.economy_lines.count() == 10
    assert bulk_case.principle_links.count() == 2
    assert bulk_case.themes.count() == 2
    # Created, its links saved, edited once: each a version with its links.
    versions = list(bulk_case.history.order_by("history_date", "history_id"))
    assert versions[0].history_type == "+" and versions[-1].version == bulk_case.version
    assert set(versions[-1].themes.values_list("theme_id", flat=True)) == set(
        bulk_case.themes.values_list("pk", flat=True)
    )
    assert CaseEconomyLine.history.filter(case_id=bulk_case.pk).count() == 11
    assert CasePrinciple.history.filter(case_id=bulk_case.pk).count() == 2
    # Cases beyond a draft have the transitions of their path.
    moved = InvestmentCase.objects.exclude(state="draft").exclude(
        pk=portfolio.long_history_case.pk
    )
    for case in moved:
        assert CaseTransition.objects.filter(case=case).last().to_state == case.state

    # The case with the long history went through the services.
    case = portfolio.long_history_case
    assert case.state == "qualified"
    assert case.history.count() > 5
    assert list(case.transitions.values_list("to_state", flat=True)) == [
        "submitted", "returned", "submitted", "qualified",
    ]


def test_every_page_and_service_is_measured(portfolio):
    results = measure.measure_pages(portfolio, repeat=1)
    results.append(measure.measure_case_save(portfolio, repeat=1))
    results.append(measure.measure_transition(portfolio, repeat=1))

    assert len(results) == len(measure.pages(portfolio)) + 2
    for result in results:
        assert len(result.times) == 1
        assert result.queries > 0, result.name
    assert all(r.size > 0 for r in results[:-2])


def test_a_page_that_answers_with_an_error_stops_the_run(staff, client):
    client.force_login(staff)
    page = measure.Page("audit log", staff.username, "/proces/revisionslog/")
    with pytest.raises(measure.MeasurementError):
        measure.measure_page(client, page, repeat=1)
