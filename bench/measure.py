"""The measurements: pages through Django's test client, forms posted as a browser posts
them, and services called directly.

Each page is requested once to warm up (templates, translations, the
session), once more to count its SQL queries, and then ``repeat`` times with
the wall clock only, so that recording the queries does not weigh on the times.
A service is called once to count its queries and ``repeat`` times to time. A
form is read from its page (every field as the page fills it in, as a browser
sends it) and posted with the CSRF token; only the POST is timed.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.services import workflow
from portfolio.models import CaseState, InvestmentCase
from portfolio.services import case_update

from .builder import SEARCH_WORD, Portfolio, full_case_data
from .queries import QueryCount  # noqa: F401 - the bench's jobs count with it too


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
    note: str = ""  # what the row's numbers do not say (a job's phases, its memory)
    round_trip: float | None = None  # seconds: the same queries through the driver

    @property
    def floor_ms(self) -> float | None:
        return None if self.floor is None else self.floor * 1000

    @property
    def round_trip_ms(self) -> float | None:
        return None if self.round_trip is None else self.round_trip * 1000

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
        *volume_pages(portfolio),
        Page("audit log", secretariat, audit),
        Page("audit log, one department", secretariat, f"{audit}?{one_department}"),
        Page("audit log CSV", secretariat, f"{audit}?format=csv"),
        # The reference: what a secretariat user would otherwise use, on the same rows.
        Page(ADMIN_CHANGELIST, secretariat, reverse("admin:portfolio_investmentcase_changelist")),
    ]


ADMIN_CHANGELIST = "admin changelist of cases (reference)"


def volume_pages(portfolio: Portfolio) -> list[Page]:
    """The pages of money, the board's plan, the register, the follow-up and the notes,
    on what ``bench.volume.seed_volume`` writes; a page whose data is not there (the
    plain ``--cases`` portfolio has no plan version or follow-up round) is left out."""
    from governance.followup.models import FollowUpRound
    from governance.plans.models import PlanVersion

    secretariat, director = "anne.jeppesen", "birgitte.hansen"
    cycle = portfolio.cycle
    found = []
    found.append(Page("financing overview", secretariat, reverse("financing:overview")))
    found.append(Page("development plan (current)", director, reverse("governance:plan")))
    versions = list(
        PlanVersion.objects.filter(cycle=cycle).order_by("number").values_list("pk", flat=True)
    )
    if versions:
        found.append(Page("plan version 1", secretariat,
                          reverse("governance:plan-version", args=[versions[0]])))
    if len(versions) > 1:
        found.append(Page("plan version 2 with its diff", secretariat,
                          reverse("governance:plan-version", args=[versions[-1]])))
    found += [
        Page("IT system register", secretariat, reverse("register:system-list")),
        Page("contract register", secretariat, reverse("register:contract-list")),
        Page("re-tendering radar", "jonas.kristensen", reverse("register:radar")),
    ]
    round_pk = FollowUpRound.objects.order_by("-year", "-pk").values_list("pk", flat=True).first()
    if round_pk is not None:
        found.append(Page("follow-up round overview", secretariat,
                          reverse("governance:followup-round", args=[round_pk])))
    found += [
        Page("portfolio glance", director, reverse("governance:portfolio-glance")),
        Page("exports list", secretariat, reverse("governance:export-list")),
    ]
    note_case = (
        InvestmentCase.objects.filter(cycle=cycle, state=CaseState.PRIORITISED)
        .order_by("pk").values_list("pk", flat=True).first()
    )
    if note_case is not None:
        found.append(Page("budget note PDF, one case", secretariat,
                          reverse("governance:case-note", args=[note_case])))
    return found


def database_floor(sqls: list[str]) -> tuple[float, float]:
    """Two floors, in seconds, for the read queries a page made: the database's own
    time, and the time the queries take through the driver.

    The first, on PostgreSQL, is the sum of ``EXPLAIN (ANALYZE)`` planning and execution
    times as the server measures them (no network, no Python). The second runs each
    query again through the raw DB-API cursor, rows fetched, and takes the fastest of
    three runs: what any code asking the same questions pays for them at least (the
    round trip, the rows sent and decoded), without Django's ORM. SQLite has no server
    clock: both are the second. Writes (the session, savepoints) are not repeated.
    """
    server = 0.0
    round_trip = 0.0
    raw = connection.connection  # the DB-API connection the captured queries used
    for sql in sqls:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        times = []
        for _run in range(3):
            cursor = raw.cursor()  # sqlite3's cursor is no context manager
            try:
                start = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall()
                times.append(time.perf_counter() - start)
            finally:
                cursor.close()
        round_trip += min(times)
        if connection.vendor == "postgresql":
            with raw.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0][0]
            server += (plan["Planning Time"] + plan["Execution Time"]) / 1000
        else:
            server += min(times)
    return server, round_trip


def _getter(client: Client, page: Page) -> Callable[[], bytes]:
    def get():
        response = client.get(page.url)
        if response.status_code != 200:
            raise MeasurementError(f"{page.name}: {page.url} answered {response.status_code}")
        return b"".join(response) if response.streaming else response.content

    return get


def _first_look(get: Callable[[], bytes], page: Page) -> Result:
    """A page's query count, size and floors (after one request to warm it up), no times."""
    get()
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        body = get()
    # Read now: the next request empties the connection's query log.
    count = len(queries)
    floor, round_trip = database_floor([query["sql"] for query in queries.captured_queries])
    return Result(page.name, page.who, [], count, len(body), floor, round_trip=round_trip)


def measure_page(client: Client, page: Page, repeat: int) -> Result:
    """One page on its own: its first look, then ``repeat`` timed requests."""
    get = _getter(client, page)
    result = _first_look(get, page)
    result.times = [_timed(get) for _run in range(repeat)]
    return result


def measure_pages(portfolio: Portfolio, repeat: int, only: Callable | None = None) -> list[Result]:
    """Every page, timed in rounds: each round requests every page once, so that a
    change in the machine's speed during the run (this machine's varies by half)
    falls on all pages alike and the ratios to the admin changelist stay fair."""
    clients: dict[str, Client] = {}
    measured = []
    for page in pages(portfolio):
        if only is not None and not only(page):
            continue
        if page.who not in clients:
            clients[page.who] = Client()
            clients[page.who].force_login(portfolio.users[page.who])
        get = _getter(clients[page.who], page)
        measured.append((get, _first_look(get, page)))
    for _round in range(repeat):
        for get, result in measured:
            result.times.append(_timed(get))
    return [result for _get, result in measured]


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
    with QueryCount() as queries:
        call()
    count = len(queries)
    times = [_timed(save(run)) for run in range(1, repeat + 1)]
    return Result("save the case form (case_update)", "mette.holm", times, count, 0)


def measure_board_move(portfolio: Portfolio, repeat: int) -> Result | None:
    """A director moves the board's last case to the top (``board_move``), which shifts
    every rank in between; the repeats move it back down and up again, each timed.
    None when the cycle's board has fewer than two cases."""
    from governance.board.models import Board, BoardEntry
    from governance.board.services import board_move

    director = portfolio.users["birgitte.hansen"]
    entries = list(
        BoardEntry.objects.filter(cycle=portfolio.cycle).order_by("rank")
        .values_list("case_id", "rank")
    )
    if len(entries) < 2:
        return None
    from bench.volume import short_titled

    # The last case whose title fits board_move's change reason (see bench.volume._board).
    movable = short_titled([pk for pk, rank in entries if rank > 1])
    if not movable:
        return None
    case_pk = movable[-1]
    bottom = len(entries)

    def move(to_rank):
        version = Board.objects.get(cycle=portfolio.cycle).version
        return lambda: board_move(actor=director, case_pk=case_pk, to_rank=to_rank,
                                  version=version)

    with QueryCount() as queries:
        move(1)()
    count = len(queries)
    times = [_timed(move(bottom if run % 2 == 0 else 1)) for run in range(repeat)]
    if repeat % 2 == 0:
        move(bottom)()
    return Result(f"move on the board ({len(entries)} cases, board_move)", director.username,
                  times, count, 0)


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
    with QueryCount() as queries:
        workflow.case_submit(actor=it_lead, case_pk=case_pk)
    count = len(queries)
    times = []
    for _run in range(repeat):
        send_back()
        times.append(_timed(lambda: workflow.case_submit(actor=it_lead, case_pk=case_pk)))
    send_back()
    return Result("submit a case (workflow.case_submit)", "jonas.kristensen", times, count, 0)


# --- Forms posted as the browser posts them -----------------------------------------------


class _FormReader(HTMLParser):
    """The fields of the ``index``-th ``<form>`` of a page as a browser submits it:
    text, hidden and number inputs, checked boxes and radios, selected options and
    text areas (no buttons: the caller names the button pressed)."""

    def __init__(self, index: int):
        super().__init__(convert_charrefs=True)
        self.index, self.seen, self.inside = index, -1, False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.seen += 1
            self.inside = self.seen == self.index
            return
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            # As in the HTML spec: one newline right after <textarea> is not content.
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_fields(html: str, index: int = 0) -> dict[str, list[str]]:
    """The ``index``-th form of ``html`` as a browser would submit it (name → values)."""
    reader = _FormReader(index)
    reader.feed(html)
    fields: dict[str, list[str]] = {}
    for name, value in reader.fields:
        fields.setdefault(name, []).append(value)
    return fields


def _browser(user) -> Client:
    client = Client(enforce_csrf_checks=True)  # the token must come from the page, as in a browser
    client.force_login(user)
    return client


def _read_form(client: Client, url: str, marker: str) -> dict[str, list[str]]:
    """The fields of the form on ``url`` whose ``<form …>`` tag holds ``marker``."""
    response = client.get(url)
    if response.status_code != 200:
        raise MeasurementError(f"{url} answered {response.status_code}")
    html = response.content.decode()
    at = html.find(marker)
    if at < 0:
        raise MeasurementError(f"{url}: no form {marker}")
    fields = form_fields(html, html[:at].count("<form"))
    if "csrfmiddlewaretoken" not in fields:
        raise MeasurementError(f"{url}: the form {marker} has no CSRF token")
    return fields


def _post(client: Client, url: str, data: dict, expect: int = 302) -> float:
    start = time.perf_counter()
    response = client.post(url, data)
    elapsed = time.perf_counter() - start
    if response.status_code != expect:
        raise MeasurementError(f"POST {url} answered {response.status_code}, not {expect}")
    return elapsed


def measure_case_form_post(portfolio: Portfolio, repeat: int) -> Result:
    """BIF staff save the case form of a draft in the browser: the edit page is read,
    every field sent back as the page filled it in, with a new summary and one changed
    amount, and the "Save draft" button of the first section (a POST and its redirect
    to the form; the GET of the form is not timed)."""
    staff = portfolio.users["mette.holm"]
    case_pk = _bench_case(portfolio)
    url = reverse("portfolio:case-edit", args=[case_pk])
    client = _browser(staff)

    def data(run: int) -> dict:
        fields = _read_form(client, url, '<form method="post" novalidate class="case-form"')
        summary = fields.get("summary", [""])[0].split(" [")[0]
        fields["summary"] = [f"{summary} [browser {run}]"]
        fields[f"eco-investment_{portfolio.cycle.budget_year}"] = [str(1_000_000 + run * 1_000)]
        fields["action"] = ["save:grundlag"]
        return fields

    first = data(0)
    with QueryCount() as queries:
        _post(client, url, first)
    count = len(queries)
    times = [_post(client, url, data(run)) for run in range(1, repeat + 1)]
    return Result("save the case form (POST)", staff.username, times, count, 0)


def measure_transition_post(portfolio: Portfolio, repeat: int) -> Result:
    """The BIF IT lead submits the case in the browser: the confirmation page's form
    posted (the transition, its notifications and, Celery being eager, the e-mails).
    Between the timed posts the secretariat returns the case (a service call, untimed);
    the case is left returned, as ``measure_transition`` leaves it."""
    it_lead = portfolio.users["jonas.kristensen"]
    secretariat = portfolio.users["anne.jeppesen"]
    case_pk = _bench_case(portfolio)
    url = reverse("governance:case-action", args=[case_pk, "submit"])
    client = _browser(it_lead)

    def send_back():
        workflow.case_return(
            actor=secretariat, case_pk=case_pk, comment="Benchmark: tilbage igen.",
            override_reason="Benchmark.",
        )

    def form() -> dict:
        return _read_form(client, url, '<form method="post" action=""')

    if InvestmentCase.objects.get(pk=case_pk).state == CaseState.SUBMITTED:
        send_back()
    fields = form()
    with QueryCount() as queries:
        _post(client, url, fields)
    count = len(queries)
    times = []
    for _run in range(repeat):
        send_back()
        times.append(_post(client, url, form()))
    send_back()
    return Result("submit a case (POST of the transition form)", it_lead.username, times,
                  count, 0)
