"""Export jobs: started by the secretariat, run in the background, listed, downloaded."""

import io
import time

import pytest
from django.urls import reverse
from pypdf import PdfReader

from governance.exports import services
from governance.exports.models import ExportJob, ExportKind, ExportState
from governance.models import Assessment
from governance.notes.context import note_code
from kkdigital.celery import app as celery_app
from kkdigital.lib.money import format_thousands
from portfolio.models import CaseState, EconomyKind, InvestmentCase

from .factories_notes import complete_case


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plan_cases(department, other_department, cycle, director):
    """Three cases ranked 2, 1, 3 by the directors; a draft that is not in the plan."""
    cases = []
    for rank, title, amount in ((2, "Anden sag", 1_000_000), (1, "Første sag", 2_500_000),
                                (3, "Tredje sag", 700_000)):
        case = complete_case(
            department=department if rank != 3 else other_department, cycle=cycle,
            title=title, state=CaseState.PRIORITISED,
            economy=[(EconomyKind.INVESTMENT, 2027, amount),
                     (EconomyKind.GAIN, None, -amount // 2)],
        )
        Assessment.objects.create(case=case, score=4, rank=rank, assessed_by=director)
        cases.append(case)
    complete_case(department=department, cycle=cycle, title="Kladde", state=CaseState.DRAFT)
    return sorted(cases, key=lambda c: c.assessment.rank)


def start(client, user, cycle, kind=ExportKind.PLAN_PDF, capture=None):
    client.force_login(user)
    return client.post(reverse("governance:export-start"), {"kind": kind, "cycle": cycle.pk})


def pdf_text(data):
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.django_db(transaction=True)
def test_the_secretariat_exports_the_collected_note_and_downloads_it(
    client, secretariat, cycle, plan_cases
):
    response = start(client, secretariat, cycle)
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.state == ExportState.DONE and job.progress == 100
    assert job.file.name == f"exports/{job.pk}/budgetnotat-samlet-2027.pdf"
    page = client.get(reverse("governance:export-list") + f"?cycle={cycle.pk}").content.decode()
    assert "Samlet budgetnotat for planen (PDF)" in page
    assert "Arbejdsversion (ikke frosset)" in page and "hx-trigger" not in page
    download = client.get(reverse("governance:export-download", args=[job.pk]))
    assert download.status_code == 200
    data = b"".join(download.streaming_content)
    text = pdf_text(data)
    # One section per case, in rank order, after the table of contents and summary.
    titles = [f"{note_code(c)}. {c.title}" for c in plan_cases]
    positions = [text.rindex(t) for t in titles]
    assert positions == sorted(positions)
    assert "Kladde" not in text
    assert "Indhold" in text and "I alt" in text
    total = sum(2_500_000 + 1_000_000 + 700_000 for _ in [0])
    assert format_thousands(total) == "4.200"
    assert "4.200" in text


def test_the_summary_total_is_the_sum_of_its_rows(db, cycle, plan_cases):
    from governance.notes.plan import plan_for_cycle
    from governance.notes.render import plan_note_context

    summary = plan_note_context(plan_for_cycle(cycle))["summary"]
    assert [r.title for r in summary.rows] == ["Første sag", "Anden sag", "Tredje sag"]
    assert summary.total == sum(r.total for r in summary.rows) == 4_200_000
    assert summary.total_service[0] == 4_200_000
    assert summary.total_permanent == sum(r.permanent for r in summary.rows)


@pytest.mark.django_db(transaction=True)
def test_running_a_job_twice_leaves_one_finished_file(secretariat, cycle, plan_cases, settings):
    job = services.export_start(actor=secretariat, kind=ExportKind.PLAN_XLSX, cycle=cycle)
    job.refresh_from_db()
    assert job.state == ExportState.DONE
    assert services.export_run(job_pk=job.pk) == "skipped"
    folder = settings.MEDIA_ROOT / "exports" / str(job.pk)
    assert [p.name for p in folder.iterdir()] == ["plan-2027.xlsx"]


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_died_mid_render_finishes_once_when_delivered_again(
    secretariat, cycle, plan_cases, settings
):
    job = ExportJob.objects.create(
        kind=ExportKind.PLAN_PDF, cycle=cycle, created_by=secretariat,
        state=ExportState.RUNNING, attempts=1, progress=50,
    )
    folder = settings.MEDIA_ROOT / "exports" / str(job.pk)
    folder.mkdir(parents=True)
    (folder / ".abc.part").write_bytes(b"%PDF half")  # what the killed worker left
    assert services.export_run(job_pk=job.pk) == "done"
    job.refresh_from_db()
    assert job.state == ExportState.DONE and job.attempts == 2
    assert [p.name for p in folder.iterdir()] == ["budgetnotat-samlet-2027.pdf"]


@pytest.mark.django_db(transaction=True)
def test_a_failed_export_says_why_and_can_be_started_again(
    client, secretariat, cycle, plan_cases, monkeypatch
):
    def broken(job):
        raise RuntimeError("Disken er fuld")

    monkeypatch.setattr(services, "render_job", broken)
    start(client, secretariat, cycle)
    job = ExportJob.objects.get()
    assert job.state == ExportState.FAILED
    row = client.get(reverse("governance:export-row", args=[job.pk])).content.decode()
    assert "Disken er fuld" in row and "Start igen" in row and "hx-trigger" not in row
    monkeypatch.undo()
    client.post(reverse("governance:export-restart", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ExportState.DONE and job.error == ""


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_request_returns_quickly_and_the_sweeper_runs_it_later(
    client, secretariat, cycle, plan_cases
):
    conf = celery_app.conf
    before = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, "redis://127.0.0.1:1/0"
    try:
        started = time.monotonic()
        response = start(client, secretariat, cycle)
        elapsed = time.monotonic() - started
    finally:
        conf.task_always_eager, conf.broker_url = before
    assert elapsed < 2
    job = ExportJob.objects.get()
    assert job.state == ExportState.QUEUED and job.queued_at is None
    page = client.get(response["Location"]).content.decode()
    assert "Eksportkøen kan ikke nås lige nu" in page
    assert f'hx-get="{reverse("governance:export-row", args=[job.pk])}"' in page
    assert 'hx-trigger="every 2s"' in page
    # The broker is back: the sweeper (Celery beat, every minute) queues the job.
    assert services.export_sweep() == 1
    job.refresh_from_db()
    assert job.state == ExportState.DONE


@pytest.mark.django_db
def test_only_the_secretariat_starts_exports(client, cycle, director, committee_reader, staff):
    for user in (director, committee_reader, staff):
        assert start(client, user, cycle).status_code == 403
    assert not ExportJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_directors_and_committee_readers_download_finished_exports_departments_do_not(
    client, secretariat, director, committee_reader, staff, cycle, plan_cases
):
    job = services.export_start(actor=secretariat, kind=ExportKind.PLAN_XLSX, cycle=cycle)
    waiting = ExportJob.objects.create(kind=ExportKind.PLAN_PDF, cycle=cycle,
                                       created_by=secretariat)
    for user in (director, committee_reader):
        client.force_login(user)
        page = client.get(reverse("governance:export-list") + f"?cycle={cycle.pk}")
        assert page.status_code == 200
        assert reverse("governance:export-download", args=[job.pk]) in page.content.decode()
        assert client.get(reverse("governance:export-download", args=[job.pk])).status_code == 200
        assert client.get(reverse("governance:export-row", args=[waiting.pk])).status_code == 404
    client.force_login(staff)
    assert client.get(reverse("governance:export-list")).status_code == 403
    assert client.get(reverse("governance:export-download", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_a_waiting_job_row_polls_and_a_finished_one_does_not(client, secretariat, cycle):
    job = ExportJob.objects.create(kind=ExportKind.PLAN_PDF, cycle=cycle, created_by=secretariat)
    client.force_login(secretariat)
    url = reverse("governance:export-row", args=[job.pk])
    assert 'hx-trigger="every 2s"' in client.get(url).content.decode()
    ExportJob.objects.filter(pk=job.pk).update(state=ExportState.DONE)
    assert "hx-trigger" not in client.get(url).content.decode()


@pytest.mark.django_db
def test_the_exports_page_runs_a_fixed_number_of_queries(
    client, secretariat, cycle, django_assert_max_num_queries
):
    client.force_login(secretariat)
    url = reverse("governance:export-list") + f"?cycle={cycle.pk}"
    ExportJob.objects.create(kind=ExportKind.PLAN_PDF, cycle=cycle, created_by=secretariat)
    with django_assert_max_num_queries(14):
        client.get(url)
    for _ in range(10):
        ExportJob.objects.create(kind=ExportKind.PLAN_PDF, cycle=cycle, created_by=secretariat)
    with django_assert_max_num_queries(14):
        client.get(url)


def test_the_export_task_is_acknowledged_late_and_limited_below_the_visibility_timeout(
    settings,
):
    from governance.exports.tasks import run_export

    assert run_export.acks_late and run_export.reject_on_worker_lost
    assert run_export.soft_time_limit == settings.EXPORT_SOFT_TIME_LIMIT
    assert run_export.time_limit == settings.EXPORT_TIME_LIMIT
    assert run_export.soft_time_limit < run_export.time_limit
    visibility = celery_app.conf.broker_transport_options["visibility_timeout"]
    assert visibility > run_export.time_limit
    assert "sweep-exports" in settings.CELERY_BEAT_SCHEDULE


@pytest.mark.django_db(transaction=True)
def test_a_job_that_runs_too_long_is_marked_failed_with_a_reason(
    secretariat, cycle, plan_cases, monkeypatch
):
    from celery.exceptions import SoftTimeLimitExceeded

    def too_slow(job):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "render_job", too_slow)
    job = services.export_start(actor=secretariat, kind=ExportKind.PLAN_PDF, cycle=cycle)
    job.refresh_from_db()
    assert job.state == ExportState.FAILED
    assert "tog længere tid end tilladt" in job.error


@pytest.mark.django_db(transaction=True)
def test_an_export_of_a_frozen_plan_version_follows_the_version_order_and_names_it(
    client, secretariat, cycle, plan_cases
):
    from django.utils import timezone

    from governance.plans.models import PlanGate, PlanVersion, PlanVersionCase

    version = PlanVersion.objects.create(
        cycle=cycle, number=1, gate=PlanGate.TRANSFER_CASE, price_year=2027,
        frozen_at=timezone.now(), frozen_by=secretariat,
    )
    # The version froze the ranks the other way round, and without the third case.
    for rank, case in ((1, plan_cases[1]), (2, plan_cases[0])):
        PlanVersionCase.objects.create(
            version=version, case=case, case_key=case.pk, title=case.title, rank=rank,
            department_code=case.department.code, department_name=case.department.name,
            scope=case.scope, case_type=case.case_type, state=case.state,
        )
    client.force_login(secretariat)
    page = client.get(reverse("governance:export-list") + f"?cycle={cycle.pk}").content.decode()
    assert f'name="version" value="{version.pk}"' in page
    client.post(reverse("governance:export-start"),
                {"kind": ExportKind.PLAN_PDF, "cycle": cycle.pk, "version": version.pk})
    job = ExportJob.objects.get()
    assert job.state == ExportState.DONE, job.error
    assert job.version_key == str(version.pk)
    assert job.version_label.startswith("Version 1 af planen for Budget 2027")
    text = pdf_text(b"".join(
        client.get(reverse("governance:export-download", args=[job.pk])).streaming_content))
    first, second = (f"{note_code(c)}. {c.title}" for c in (plan_cases[1], plan_cases[0]))
    assert text.rindex(first) < text.rindex(second)
    assert plan_cases[2].title not in text
    assert "Version 1 af planen for Budget 2027" in text


def _money_cases(cycle, department, secretariat, first_rank, count):
    """``count`` ranked cases that ask the pool and the frame for money, each with a
    repaid internal loan: everything of a note that is read from the money app."""
    from financing.models import ChannelKind, Loan, LoanInstalment

    from .factories_money import AllocationFactory, FinancingChannelFactory

    pool = FinancingChannelFactory(kind=ChannelKind.POOL)
    frame = FinancingChannelFactory(kind=ChannelKind.FRAME)
    for rank in range(first_rank, first_rank + count):
        case = complete_case(department=department, cycle=cycle, title=f"Sag {rank}",
                             state=CaseState.PRIORITISED)
        Assessment.objects.create(case=case, score=3, rank=rank, assessed_by=secretariat)
        AllocationFactory(case=case, channel=pool, year=2027, requested=500_000)
        AllocationFactory(case=case, channel=frame, year=2028, requested=250_000)
        loan = Loan.objects.create(case=case, department=department, principal=600_000,
                                   payout_year=2027, term_years=2, rate=0, price_year=2027,
                                   created_by=secretariat)
        for year in (2028, 2029):
            LoanInstalment.objects.create(loan=loan, year=year, principal_part=300_000,
                                          interest_part=0)


def test_the_collected_note_reads_the_cases_in_a_fixed_number_of_queries(
    db, cycle, department, secretariat
):
    """The money of a plan's cases (allocations, pool rules, loans) is read once for all
    cases, not case by case: the same queries for 3 cases and for 6."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from governance.notes.plan import plan_for_cycle
    from governance.notes.render import plan_note_context

    from .factories_money import PoolRulesFactory

    PoolRulesFactory(cycle=cycle, max_payback_years=4)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            context = plan_note_context(plan_for_cycle(cycle))
        return len(captured), context

    _money_cases(cycle, department, secretariat, 1, 3)
    small, context = queries()
    assert len(context["sections"]) == 3
    _money_cases(cycle, department, secretariat, 4, 3)
    larger, context = queries()
    assert len(context["sections"]) == 6
    assert small == larger
    # What the sections say is what each case holds.
    for section in context["sections"]:
        assert [(loan.principal, loan.principal_total) for loan in section["loans"]] == [
            (600_000, 600_000)
        ]
        assert section["pool"] is not None and section["pool"].applies
        assert [entry.requested_total for entry in section["channels"]] == [250_000, 500_000]


def test_one_case_note_reads_the_same_queries_with_and_without_pool_money_and_a_loan(
    db, cycle, department, secretariat
):
    """The single note reads the pool rules and the loans' schedules whether or not the
    case has them: its query count does not depend on which case it is."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from governance.notes.context import case_note_context, note_queryset

    from .factories_money import PoolRulesFactory

    PoolRulesFactory(cycle=cycle, max_payback_years=4)
    _money_cases(cycle, department, secretariat, 1, 1)
    plain = complete_case(department=department, cycle=cycle, title="Uden penge",
                          state=CaseState.PRIORITISED)
    counts = []
    for case in (InvestmentCase.objects.get(title="Sag 1"), plain):
        with CaptureQueriesContext(connection) as captured:
            case_note_context(note_queryset().get(pk=case.pk))
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("cases_per_part", [10, 1])
def test_the_contents_page_numbers_point_at_the_case_sections(
    db, cycle, plan_cases, monkeypatch, cases_per_part
):
    """Each case's page number in the table of contents is the page its section starts
    on, and every page says "Side X af Y" with the right X and Y: also when the note is
    laid out in several parts (here one case each)."""
    import re

    from governance.notes import collected
    from governance.notes.plan import plan_for_cycle
    from governance.notes.render import plan_note_pdf

    monkeypatch.setattr(collected, "CASES_PER_PART", cases_per_part)
    reader = PdfReader(io.BytesIO(plan_note_pdf(plan_for_cycle(cycle))))
    texts = [page.extract_text() for page in reader.pages]
    for number, text in enumerate(texts, start=1):
        assert f"Side {number} af {len(texts)}" in text or number == 1  # not on the cover
    contents = next(text for text in texts if "Indhold" in text)
    for case in plan_cases:
        heading = f"{note_code(case)}. {case.title}"
        found = re.search(re.escape(heading) + r"[ .]*?(\d+)\s*$", contents, re.MULTILINE)
        assert found, heading
        page = int(found.group(1))
        # The section's first line ("Budgetnotat BI-2", set in capitals by the CSS).
        assert f"BUDGETNOTAT {note_code(case)}" in texts[page - 1].upper()
        assert heading in texts[page - 1]


def test_the_collected_note_links_its_contents_to_the_sections_and_has_one_frame_per_page(
    db, cycle, plan_cases, monkeypatch
):
    """Laid out in parts, the note is still one tagged PDF: the contents link to the
    pages the sections start on, the bookmarks name every case, the running header is on
    every page after the cover and the cover has neither header nor page number."""
    from governance.notes import collected
    from governance.notes.plan import plan_for_cycle
    from governance.notes.render import plan_note_pdf

    monkeypatch.setattr(collected, "CASES_PER_PART", 2)
    reader = PdfReader(io.BytesIO(plan_note_pdf(plan_for_cycle(cycle))))
    texts = [page.extract_text() for page in reader.pages]
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert "Side" not in texts[0] and "Økonomiforvaltningen · " not in texts[0]
    assert all("Københavns Kommune · Økonomiforvaltningen" in text for text in texts[1:])
    destinations = reader.named_destinations
    for case in plan_cases:
        page = reader.get_destination_page_number(destinations[f"case-{case.pk}"])
        assert f"BUDGETNOTAT {note_code(case)}" in texts[page].upper()
    links = [annotation.get_object() for annotation in reader.pages[1].get("/Annots", [])]
    targets = {str(link.get("/Dest") or link["/A"]["/D"]) for link in links}
    assert {f"case-{case.pk}" for case in plan_cases} <= targets
    titles = {str(item.title) for item in reader.outline if not isinstance(item, list)}
    assert {f"{note_code(case)}. {case.title}" for case in plan_cases} <= titles


def test_a_plan_without_cases_gets_a_note_of_cover_contents_and_summary(db, cycle):
    """No case is past the qualification yet: the note still has its cover, its contents
    (the summary only) and the empty summary, numbered "Side X af Y"."""
    from governance.notes.plan import plan_for_cycle
    from governance.notes.render import plan_note_pdf

    reader = PdfReader(io.BytesIO(plan_note_pdf(plan_for_cycle(cycle))))
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) == 3
    assert "Indhold" in texts[1] and "Oversigt over planens sager" in texts[2]
    assert "Side 3 af 3" in texts[2]
