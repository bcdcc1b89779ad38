"""The measurements: pages through Django's test client, and two services called directly.

Each page is requested once to warm up (templates, translations, the
session), once more to count its SQL queries, and then ``repeat`` times with
the wall clock only, so that recording the queries does not weigh on the times.
A service is called once to count its queries and ``repeat`` times to time.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.services import workflow
from portfolio.models import CaseState, InvestmentCase
from portfolio.services import case_update

from .builder import SEARCH_WORD, Portfolio, full_case_data


class MeasurementError(Exception):
    """A page answered with an error or a service failed: the run is not a measurement."""


@dataclass
class Result:
    name: str
    who: str
    times: list[float]  # seconds
    queries: int
    size: int  # bytes of the response body, 0 for a service
    floor: float | None = None  # seconds: the database's own time for the page's queries

    @property
    def floor_ms(self) -> float | None:
        return None if self.floor is None else self.floor * 1000

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def p95_ms(self) -> float:
        # Nearest rank: with few repeats this is the slowest, which is what it should say.
        ordered = sorted(self.times)
        rank = max(1, -(-95 * len(ordered) // 100))
        return ordered[rank - 1] * 1000


@dataclass
class Page:
    name: str
    who: str  # a demo user name
    url: str


def pages(portfolio: Portfolio) -> list[Page]:
    """The pages measured, each as the user who reads it most."""
    staff, secretariat = "mette.holm", "anne.jeppesen"
    bif = portfolio.departments["BIF"]
    cases = reverse("portfolio:case-list")
    year = portfolio.cycle.budget_year
    filtered = urlencode(
        {"department": "", "state": CaseState.SUBMITTED, "theme": portfolio.themes[1].pk,
         "sort": "-investment"}
    )
    search = urlencode({"department": "", "q": SEARCH_WORD})
    audit = reverse("governance:audit-log")
    one_department = urlencode({"cycle": year, "department": bif.pk})
    long_case = portfolio.long_history_case
    return [
        Page("home page", staff, reverse("home")),
        Page("home page", secretariat, reverse("home")),
        Page("case list, first page", staff, cases),
        Page("case list, first page", secretariat, cases),
        Page("case list, filtered", secretariat, f"{cases}?{filtered}"),
        Page("case list, search", staff, f"{cases}?{search}"),
        Page("case list, page 10", secretariat, f"{cases}?page=10"),
        Page(
            f"case page, {long_case.history.count()} versions",
            staff,
            long_case.get_absolute_url(),
        ),
        Page("case form (edit)", staff,
             reverse("portfolio:case-edit", args=[portfolio.bench_case_pk])),
        Page("department plan (BIF)", staff,
             reverse("portfolio:department-plan", args=[bif.code, year])),
        Page("department plans (index)", secretariat, reverse("portfolio:department-plan-index")),
        Page("secretariat overview", secretariat, reverse("governance:cycle-overview")),
        Page("qualification queue", secretariat, reverse("governance:qualification-queue")),
        Page("directors' board", "birgitte.hansen",
             reverse("governance:prioritisation") + f"?cycle={portfolio.cycle.pk}"),
        Page("audit log", secretariat, audit),
        Page("audit log, one department", secretariat, f"{audit}?{one_department}"),
        Page("audit log CSV", secretariat, f"{audit}?format=csv"),
        # The reference: what a secretariat user would otherwise use, on the same rows.
        Page(ADMIN_CHANGELIST, secretariat, reverse("admin:portfolio_investmentcase_changelist")),
    ]


ADMIN_CHANGELIST = "admin changelist of cases (reference)"


def database_floor(sqls: list[str]) -> float:
    """The database's own time, in seconds, for the read queries a page made.

    PostgreSQL: the sum of ``EXPLAIN (ANALYZE)`` planning and execution times, as
    the server measures them (no network, no Python). SQLite has no such clock:
    each query is run again through the raw DB-API cursor and timed, rows
    fetched, which is the nearest thing to a floor it offers. Writes (the session,
    savepoints) are not repeated.
    """
    total = 0.0
    raw = connection.connection  # the DB-API connection the captured queries used
    for sql in sqls:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        if connection.vendor == "postgresql":
            with raw.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0][0]
            total += (plan["Planning Time"] + plan["Execution Time"]) / 1000
        else:
            cursor = raw.cursor()
            start = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            total += time.perf_counter() - start
            cursor.close()
    return total


def measure_page(client: Client, page: Page, repeat: int) -> Result:
    def get():
        response = client.get(page.url)
        if response.status_code != 200:
            raise MeasurementError(f"{page.name}: {page.url} answered {response.status_code}")
        return b"".join(response) if response.streaming else response.content

    get()
    with CaptureQueriesContext(connection) as queries:
        body = get()
    # Read now: the next request empties the connection's query log.
    count = len(queries)
    floor = database_floor([query["sql"] for query in queries.captured_queries])
    times = []
    for _run in range(repeat):
        start = time.perf_counter()
        get()
        times.append(time.perf_counter() - start)
    return Result(page.name, page.who, times, count, len(body), floor)


def measure_pages(portfolio: Portfolio, repeat: int, only: Callable | None = None) -> list[Result]:
    clients: dict[str, Client] = {}
    results = []
    for page in pages(portfolio):
        if only is not None and not only(page):
            continue
        if page.who not in clients:
            clients[page.who] = Client()
            clients[page.who].force_login(portfolio.users[page.who])
        results.append(measure_page(clients[page.who], page, repeat))
    return results


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def _bench_case(portfolio: Portfolio) -> int:
    if portfolio.bench_case_pk is None:
        raise MeasurementError("The portfolio has no BIF draft to save and submit.")
    return portfolio.bench_case_pk


def measure_case_save(portfolio: Portfolio, repeat: int) -> Result:
    """The BIF staff member saves the case form of a draft: every field, link, principle
    and economy cell, with a new summary and one changed amount, through
    ``case_update``, as the edit view hands it over."""
    staff = portfolio.users["mette.holm"]
    case_pk = _bench_case(portfolio)

    def save(run: int) -> Callable[[], object]:
        case = InvestmentCase.objects.get(pk=case_pk)
        data = full_case_data(
            portfolio, case,
            summary=f"{case.summary.split(' [')[0]} [gemt {run}]",
            economy={("investment", 2027): 1_000_000 + run * 1_000},
        )
        return lambda: case_update(
            actor=staff, case_pk=case_pk, expected_version=case.version, data=data
        )

    call = save(0)
    with CaptureQueriesContext(connection) as queries:
        call()
    count = len(queries)
    times = [_timed(save(run)) for run in range(1, repeat + 1)]
    return Result("save the case form (case_update)", "mette.holm", times, count, 0)


def measure_transition(portfolio: Portfolio, repeat: int) -> Result:
    """The BIF IT lead submits the case (``workflow.case_submit``), with the
    notifications it writes and, Celery being eager here, the e-mails it sends.

    The first submission (counted) is from draft; then the secretariat returns
    the case (not timed) and the IT lead resubmits it (timed), ``repeat`` times.
    The case is left returned, so that it can be edited and submitted again.
    """
    it_lead = portfolio.users["jonas.kristensen"]
    secretariat = portfolio.users["anne.jeppesen"]
    case_pk = _bench_case(portfolio)

    def send_back():
        # Outside the qualification phase the secretariat must give a reason.
        workflow.case_return(
            actor=secretariat, case_pk=case_pk, comment="Benchmark: tilbage igen.",
            override_reason="Benchmark.",
        )

    if InvestmentCase.objects.get(pk=case_pk).state == CaseState.SUBMITTED:
        send_back()
    with CaptureQueriesContext(connection) as queries:
        workflow.case_submit(actor=it_lead, case_pk=case_pk)
    count = len(queries)
    times = []
    for _run in range(repeat):
        send_back()
        times.append(_timed(lambda: workflow.case_submit(actor=it_lead, case_pk=case_pk)))
    send_back()
    return Result("submit a case (workflow.case_submit)", "jonas.kristensen", times, count, 0)
