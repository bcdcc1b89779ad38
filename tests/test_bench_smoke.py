"""The benchmark in bench/ still runs: its data builder and every measurement, at a tiny size.

No times are asserted: a benchmark measures, it does not pass or fail on speed.
"""

import re

import pytest
from django.db import transaction

from bench import builder, jobs, measure, volume
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
    results.append(measure.measure_case_form_post(portfolio, repeat=1))
    results.append(measure.measure_transition(portfolio, repeat=1))
    results.append(measure.measure_transition_post(portfolio, repeat=1))

    assert len(results) == len(measure.pages(portfolio)) + 4
    for result in results:
        assert len(result.times) == 1
        assert result.queries > 0, result.name
    assert all(r.size > 0 for r in results[:-4])
    # The browser's save and submit reached the database: the last summary, a submission.
    case = InvestmentCase.objects.get(pk=portfolio.bench_case_pk)
    assert case.summary.endswith("[browser 1]")
    assert case.state == "returned"
    assert CaseTransition.objects.filter(case=case, to_state="submitted").count() == 4


def test_a_form_is_read_as_a_browser_submits_it():
    html = """<form id="other"><input name="q" value="x"></form>
    <form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="t">
    <input name="title" value="A &amp; B"><input type="checkbox" name="themes" value="1" checked>
    <input type="checkbox" name="themes" value="2"><input type="radio" name="r" value="a">
    <input type="radio" name="r" value="b" checked><input name="off" value="1" disabled>
    <select name="department"><option value="">–</option><option value="7" selected>BIF</option>
    </select><textarea name="summary">
Linje 1</textarea><button name="action" value="save">Gem</button></form>"""

    assert measure.form_fields(html, 1) == {
        "csrfmiddlewaretoken": ["t"], "title": ["A & B"], "themes": ["1"], "r": ["b"],
        "department": ["7"], "summary": ["Linje 1"],
    }


def test_a_page_that_answers_with_an_error_stops_the_run(staff, client):
    client.force_login(staff)
    page = measure.Page("audit log", staff.username, "/proces/revisionslog/")
    with pytest.raises(measure.MeasurementError):
        measure.measure_page(client, page, repeat=1)


# --- The volume (seed_volume) and the pages of point 3 of the issue --------------------

# Two tiny volumes: the second has twice the cases, systems and contracts of the first.
SMALL = {"cases_per_scale": 80, "systems_per_scale": 30, "contracts_per_scale": 40}
LARGER = {"cases_per_scale": 160, "systems_per_scale": 60, "contracts_per_scale": 80}
# What grows with the data, known and reported, not hidden: the long-history case page ran 29 and 30
# queries at the two tiny volumes on PostgreSQL in the whole suite (not when this file
# runs alone): one more query on the larger volume, not yet traced. Its count is
# asserted constant at two sizes in tests/test_portfolio_case_detail.py. The collected
# plan PDF reads the cases' money once for all cases (tests/test_notes_* assert it at two
# sizes) but ran 29 and 30 queries on PostgreSQL for the two tiny volumes' 3-case
# versions, which hold different cases: one more read for what one of them holds.
GROWS = {"case page, N versions", "collected plan PDF, N cases (export task)"}
VOLUME_PAGES = {
    "financing overview", "development plan (current)", "plan version 1",
    "plan version 2 with its diff", "IT system register", "contract register",
    "re-tendering radar", "follow-up round overview", "portfolio glance", "exports list",
    "budget note PDF, one case",
}


def _key(result) -> tuple[str, str]:
    # "case page, 5 versions", "move on the board (12 cases, …)": the numbers are sizes.
    return re.sub(r"\d+", "N", result.name), result.who


def _measured(sizes: dict) -> tuple[dict, dict]:
    """Every page and service on a tiny volume, inside a savepoint that is rolled back,
    so that the next volume starts from an empty database again."""
    with transaction.atomic():
        written = volume.seed_volume(scale=1, seed=1, log=lambda _line: None, edits=2, **sizes)
        results = measure.measure_pages(written.portfolio, repeat=1)
        results.append(measure.measure_board_move(written.portfolio, repeat=1))
        results.append(measure.measure_case_save(written.portfolio, repeat=1))
        results.append(measure.measure_case_form_post(written.portfolio, repeat=1))
        results.append(measure.measure_transition(written.portfolio, repeat=1))
        results.append(measure.measure_transition_post(written.portfolio, repeat=1))
        # The jobs, on files and plan versions of the same size at both volumes.
        results.append(jobs.measure_plan_pdf(written.portfolio, cases=3, in_worker=False))
        results += jobs.measure_economy_import(written.portfolio, lines=50)
        results += jobs.measure_kitos_import(written.portfolio)
        counts = dict(written.counts)
        transaction.set_rollback(True)
    return {_key(r): r.queries for r in results}, counts


@pytest.mark.django_db
def test_every_page_answers_on_the_volume_with_the_same_queries_at_two_sizes():
    small, small_counts = _measured(SMALL)
    larger, larger_counts = _measured(LARGER)

    # The volume has everything the pages read, and the larger one more of it.
    for name in ("cases", "allocations", "board entries", "scores", "plan version cases",
                 "IT systems", "contracts", "follow-up reports", "decisions"):
        assert 0 < small_counts[name] < larger_counts[name], name
    assert small_counts["cycles"] == larger_counts["cycles"] == 5
    assert small_counts["plan versions"] == 2 and small_counts["follow-up rounds"] == 2
    assert small_counts["loans"] >= 1
    # Every page answered 200 (measure_page raises otherwise), the new ones included.
    assert {re.sub(r"\d+", "N", name) for name in VOLUME_PAGES} <= {name for name, _who in small}
    assert small.keys() == larger.keys()
    grown = {
        key: (small[key], larger[key])
        for key in small
        if key[0] not in GROWS and small[key] != larger[key]
    }
    assert grown == {}, f"query counts that grow with the data: {grown}"


def test_seed_volume_is_reproducible_from_its_seed(db):
    def fingerprint(seed):
        with transaction.atomic():
            volume.seed_volume(scale=1, seed=seed, log=lambda _line: None, edits=1, **SMALL)
            rows = (
                sorted(InvestmentCase.objects.values_list("title", "state", "cycle__budget_year")),
                sorted(
                    CaseEconomyLine.objects.values_list("case__title", "kind", "year", "amount"),
                    key=lambda row: (row[0], row[1], row[2] or 0, row[3]),
                ),
            )
            transaction.set_rollback(True)
        return rows

    first = fingerprint(7)
    assert fingerprint(7) == first
    assert fingerprint(8) != first


def test_the_kitos_import_of_the_whole_register_is_measured(db):
    from portfolio.register.models import Contract, ITSystem

    written = volume.seed_volume(scale=1, seed=1, log=lambda _line: None, edits=1, **SMALL)
    links = Contract.systems.through.objects.count()
    costs = dict(Contract.objects.values_list("pk", "yearly_operating_cost"))
    systems_dry, systems, contracts_dry, contracts = jobs.measure_kitos_import(
        written.portfolio
    )

    assert systems_dry.name.startswith("KITOS import, 30 systems") and systems.queries > 0
    assert contracts_dry.name.startswith("KITOS import, 40 contracts") and contracts.queries > 0
    assert ITSystem.objects.count() == 30 and Contract.objects.count() == 40
    assert ITSystem.objects.filter(supplier__endswith="(ny leverandør)").count() == 3
    # The contracts came back as they were, but for the changed operating costs, and
    # still cover the same systems.
    changed = {pk for pk, cost in Contract.objects.values_list("pk", "yearly_operating_cost")
               if cost != costs[pk]}
    assert len(changed) == 4
    assert Contract.systems.through.objects.count() == links


def test_the_plan_pdf_is_rendered_by_the_export_task_with_the_version_s_cases(db, settings,
                                                                             tmp_path):
    from governance.exports.models import ExportJob, ExportState
    from governance.plans.models import PlanVersion

    settings.MEDIA_ROOT = tmp_path
    written = volume.seed_volume(scale=1, seed=1, log=lambda _line: None, edits=1, **SMALL)
    result = jobs.measure_plan_pdf(written.portfolio, cases=4, in_worker=False)

    version = PlanVersion.objects.order_by("-number").first()
    assert version.cases.count() == 4 and version.number == 3
    assert result.name.startswith("collected plan PDF, 4 cases") and result.size > 10_000
    job = ExportJob.objects.get(version_key=str(version.pk))
    assert job.state == ExportState.DONE and job.kind == "plan_pdf"


def test_the_economy_import_goes_through_the_import_page(db):
    from portfolio.models import CaseEconomyLine

    written = volume.seed_volume(scale=1, seed=1, log=lambda _line: None, edits=1, **SMALL)
    dry_run, imported = jobs.measure_economy_import(written.portfolio, lines=50)

    assert dry_run.name.startswith("import of 50 economy lines (3 new cases, BIF)")
    new = InvestmentCase.objects.filter(title__startswith="Benchmark-import")
    assert new.count() == 3 and {c.department.code for c in new} == {"BIF"}
    assert CaseEconomyLine.objects.filter(case__in=new).count() == 50
    assert imported.queries > dry_run.queries > 0
