"""Measure KK Digital's pages and services on a realistic portfolio, at several sizes.

    .venv/bin/python bench/run.py [--cases 100,1000] [--repeat 3] [--large] [--report]
    .venv/bin/python bench/run.py --scale 1 [--seed 1] [--repeat 3] [--report]

Against a throw-away database that this script creates and drops: PostgreSQL
(a ``test_…`` database next to the one DATABASE_URL names) when DATABASE_URL is
set, else a temporary SQLite file; never the developer's ``db.sqlite3``. It
grows one portfolio to each size in turn (see ``bench/builder.py``), requests
each page as a signed-in user (see ``bench/measure.py``) and prints, per page,
the median and 95th percentile wall time over the repeats, the number of SQL
queries and the size of the answer. It asserts nothing about times; it exits
with 1 when a page answers with an error or a service fails.
"""

import argparse
import logging
import os
import platform
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = (100, 1000)
LARGE_SIZES = (5000,)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases",
        default=",".join(str(n) for n in DEFAULT_SIZES),
        help="comma-separated portfolio sizes, in cases (default: %(default)s)",
    )
    parser.add_argument(
        "--large",
        action="store_true",
        help=f"also measure at {', '.join(str(n) for n in LARGE_SIZES)} cases (several minutes)",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed requests per page (default: %(default)s)"
    )
    parser.add_argument(
        "--scale", type=int, default=None,
        help="instead of --cases: the whole volume of seed_volume at N times KK's "
             "(1: about 400 cases over five cycles, 1.600 IT systems, 2.000 contracts)",
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="seed number for --scale (default: %(default)s)"
    )
    parser.add_argument(
        "--no-pages", action="store_true",
        help="with --scale: only the services, the form posts and the jobs, not the pages",
    )
    parser.add_argument(
        "--report", action="store_true",
        help="also write the tables as Markdown to bench/results/",
    )
    args = parser.parse_args(argv)
    try:
        sizes = {int(n) for n in args.cases.split(",") if n.strip()}
    except ValueError:
        parser.error("--cases takes whole numbers separated by commas, e.g. 100,1000")
    if args.large:
        sizes.update(LARGE_SIZES)
    if not sizes or min(sizes) < 1 or args.repeat < 1:
        parser.error("sizes and repeats must be at least 1")
    if args.scale is not None and args.scale < 1:
        parser.error("--scale must be at least 1")
    args.sizes = sorted(sizes)
    return args


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kkdigital.settings")
    import django

    django.setup()


def format_table(headers: list[str], rows: list[list], align: str) -> str:
    """A plain text table; ``align`` has "l" or "r" per column."""
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row):
        return "  ".join(
            c.ljust(w) if a == "l" else c.rjust(w)
            for c, w, a in zip(row, widths, align, strict=True)
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


HEADERS = ["page / service", "as", "median ms", "p95 ms", "queries", "kB", "db floor ms",
           "db round trip ms", "× admin", "× floor", "× round trip"]
ALIGN = "llrrrrrrrrr"


def result_rows(results) -> list[list]:
    """One row per measurement; the ratios compare the median with the reference (the
    admin changelist of cases in the same run) and with the page's own database floor, as
    the server measures it and through the driver (``bench.measure.database_floor``)."""
    from bench.measure import ADMIN_CHANGELIST

    admin = next((r for r in results if r.name == ADMIN_CHANGELIST), None)
    rows = []
    for r in results:
        floor = r.floor_ms
        round_trip = r.round_trip_ms
        rows.append([
            r.name,
            r.who,
            f"{r.median_ms:.1f}",
            f"{r.p95_ms:.1f}",
            r.queries,
            f"{r.size / 1024:.0f}" if r.size else "–",
            "–" if floor is None else f"{floor:.1f}",
            "–" if round_trip is None else f"{round_trip:.1f}",
            f"{r.median_ms / admin.median_ms:.2f}" if admin and admin.median_ms else "–",
            f"{r.median_ms / floor:.1f}" if floor else "–",
            f"{r.median_ms / round_trip:.1f}" if round_trip else "–",
        ])
    return rows


def markdown_table(headers: list[str], rows: list[list], align: str) -> str:
    marks = {"l": ":--", "r": "--:"}
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(marks[a] for a in align) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def result_notes(results) -> list[str]:
    return [r.note for r in results if getattr(r, "note", "")]


def write_report(environment_text: str, sections: list[tuple]) -> Path:
    """The run as Markdown in bench/results/ (date, machine, versions, tables)."""
    from django.db import connection

    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    path = results_dir / f"{time.strftime('%Y-%m-%d-%H%M')}-{connection.vendor}.md"
    parts = ["# KK Digital benchmark", "", "```", environment_text, "```", ""]
    for title, rows, *notes in sections:
        parts += [f"## {title}", "", markdown_table(HEADERS, rows, ALIGN), ""]
        if notes and notes[0]:
            parts += [f"- {note}" for note in notes[0]] + [""]
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def environment(sizes, repeat, scale=None, seed=None) -> str:
    import django
    from django.db import connection

    if connection.vendor == "postgresql":
        version = connection.cursor().connection.info.server_version
        database = f"PostgreSQL {version // 10000}.{version % 10000}"
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version} (temporary file)"
    return "\n".join(
        [
            f"date:      {time.strftime('%Y-%m-%d %H:%M %Z')}",
            f"machine:   {os.cpu_count()} cores, {platform.machine()}, {platform.system()}",
            f"database:  {database}",
            f"python:    {platform.python_version()}, Django {django.get_version()}",
            f"speed:     {python_speed_ms():.0f} ms for a fixed Python loop (best of 5; "
            "the machine's speed varies from run to run, this says how fast it was)",
            (
                f"data:      seed_volume --scale {scale} --seed {seed}; "
                if scale else
                f"sizes:     {', '.join(str(n) for n in sizes)} cases in one cycle; "
            ) + f"{repeat} timed runs per page",
        ]
    )


def python_speed_ms() -> float:
    """The machine's speed now: the best of five runs of a fixed piece of pure Python
    (arithmetic, a dictionary, strings), in milliseconds. Compare runs by it."""
    best = float("inf")
    for _run in range(5):
        start = time.perf_counter()
        table = {}
        for i in range(300_000):
            table[i % 1000] = table.get(i % 1000, 0) + i * 3
            f"{i}-{i % 7}"
        best = min(best, time.perf_counter() - start)
    return best * 1000


def counts() -> str:
    from governance.models import CaseTransition, Notification
    from portfolio.models import CaseEconomyLine, InvestmentCase

    return (
        f"{InvestmentCase.objects.count()} cases, "
        f"{InvestmentCase.history.count()} case versions, "
        f"{CaseEconomyLine.objects.count()} economy lines "
        f"({CaseEconomyLine.history.count()} versions), "
        f"{CaseTransition.objects.count()} transitions, "
        f"{Notification.objects.count()} notifications"
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    setup_django()
    from django.db import connection
    from django.test.utils import (
        setup_databases,
        setup_test_environment,
        teardown_databases,
        teardown_test_environment,
    )

    from bench import measure

    # As in a test run: DEBUG off, e-mail kept in memory, "testserver" allowed.
    setup_test_environment(debug=False)
    # One log line per e-mail task would bury the tables.
    logging.getLogger("celery").setLevel(logging.WARNING)
    logging.getLogger("kombu").setLevel(logging.ERROR)
    # WhiteNoise asks for collected static files, which a measurement does not need.
    warnings.filterwarnings("ignore", message="No directory at")
    tmp = None
    if connection.vendor == "sqlite":
        tmp = tempfile.mkdtemp(prefix="kk-bench-")
        connection.settings_dict["TEST"]["NAME"] = os.path.join(tmp, "bench.sqlite3")
    started = time.perf_counter()
    databases = setup_databases(verbosity=0, interactive=False)
    failed = False
    try:
        environment_text = environment(args.sizes, args.repeat, args.scale, args.seed)
        sections = []
        print(environment_text, flush=True)
        args.failed = False
        if args.scale:
            sections = measure_volume(args)
        else:
            sections = measure_sizes(args)
        failed = args.failed
        if args.report:
            print(f"\nreport: {write_report(environment_text, sections)}")
    except measure.MeasurementError as error:
        print(f"\nerror: {error}", file=sys.stderr)
        failed = True
    finally:
        teardown_databases(databases, verbosity=0)
        teardown_test_environment()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    return 1 if failed else 0


def _analyze():
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum does soon after a big load (PostgreSQL 13 and later vacuum
        # after inserts too): the planner needs the statistics, and an index-only scan
        # needs the visibility map that VACUUM sets.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _measure_all(portfolio, repeat, pages=True):
    from bench import measure
    from kkdigital.lib import collector

    # As a web worker does once it has loaded the application (kkdigital/wsgi.py).
    collector.tune()

    results = measure.measure_pages(portfolio, repeat) if pages else []
    results.append(measure.measure_case_save(portfolio, repeat))
    results.append(measure.measure_case_form_post(portfolio, repeat))
    results.append(measure.measure_transition(portfolio, repeat))
    results.append(measure.measure_transition_post(portfolio, repeat))
    moved = measure.measure_board_move(portfolio, repeat)
    if moved is not None:
        results.append(moved)
    return results


def measure_volume(args) -> list:
    """The whole volume of ``seed_volume`` at one scale, every page and service."""
    from bench.volume import seed_volume

    built = time.perf_counter()
    volume = seed_volume(scale=args.scale, seed=args.seed, log=print)
    _analyze()
    described = ", ".join(f"{n:,}".replace(",", ".") + f" {name}"
                          for name, n in volume.counts.items())
    print(f"\n== scale {args.scale} (built in {time.perf_counter() - built:.1f} s)", flush=True)
    from bench import jobs
    from bench.measure import MeasurementError
    from kkdigital.lib.errors import ServiceError

    results = _measure_all(volume.portfolio, args.repeat, pages=not args.no_pages)
    print(format_table(HEADERS, result_rows(results), ALIGN), flush=True)
    # Last: the jobs add a plan version and cases and change the register the pages read.
    for what, job in (
        (f"the collected PDF of a {jobs.PLAN_PDF_CASES}-case plan version, in a worker process",
         lambda: [jobs.measure_plan_pdf(volume.portfolio)]),
        (f"an import of {jobs.ECONOMY_IMPORT_LINES} economy lines",
         lambda: jobs.measure_economy_import(volume.portfolio)),
        ("the KITOS import of the whole register", lambda: jobs.measure_kitos_import(
            volume.portfolio)),
    ):
        print(f"\n{what} …", flush=True)
        try:
            results += job()
        except (ServiceError, MeasurementError, RuntimeError) as error:
            print(f"error in {what} (the rest is reported): {error}", file=sys.stderr)
            args.failed = True
    rows = result_rows(results)
    print(format_table(HEADERS, rows, ALIGN), flush=True)
    notes = result_notes(results)
    for note in notes:
        print(f"- {note}")
    return [(f"Scale {args.scale} ({described})", rows, notes)]


def measure_sizes(args) -> list:
    """One portfolio grown to each of ``args.sizes`` cases in one cycle."""
    from bench import builder

    sections = []
    built = time.perf_counter()
    portfolio = builder.build_portfolio()
    print(f"master data and the long-history case: {time.perf_counter() - built:.1f} s")
    summary = {}
    for size in args.sizes:
        built = time.perf_counter()
        builder.grow(portfolio, size)
        _analyze()
        print(
            f"\n== {size} cases (built in {time.perf_counter() - built:.1f} s: {counts()})",
            flush=True,
        )
        results = _measure_all(portfolio, args.repeat)
        rows = result_rows(results)
        sections.append((f"{size} cases ({counts()})", rows))
        print(format_table(HEADERS, rows, ALIGN), flush=True)
        summary[size] = results
    if len(args.sizes) > 1:
        print("\n== median ms (queries) by size")
        first = summary[args.sizes[0]]
        rows = []
        for i, result in enumerate(first):
            rows.append(
                [f"{result.name} ({result.who})"]
                + [
                    f"{summary[n][i].median_ms:.0f} ({summary[n][i].queries})"
                    for n in args.sizes
                ]
            )
        print(
            format_table(
                ["page / service", *(f"{n} cases" for n in args.sizes)],
                rows,
                "l" + "r" * len(args.sizes),
            )
        )
    return sections


if __name__ == "__main__":
    sys.exit(main())
