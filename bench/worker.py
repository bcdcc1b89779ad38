"""A Celery task run the way a worker runs it, in a process of its own, with its peak memory.

    python -m bench.worker DATABASE_NAME run_export JOB_PK

The bench starts this as a child process (``run_in_worker``) so that the peak
memory measured is the task's own in a fresh process, as a worker has it, and
not the bench's (which holds the whole volume it built). The child sets Django
up as a worker does (``DEBUG`` off), points the default database at the
bench's throw-away database, calls the task function synchronously and prints
one line of JSON: the task's wall time, its SQL queries, the resident set size
after Django's setup and the peak resident set size of the process.
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TASKS = {"run_export": "governance.exports.tasks.run_export"}


def _peak_mb() -> float:
    """The process's own peak resident set size. On Linux from /proc (VmHWM): a child
    started from a large process reports that process's peak as its ru_maxrss (Linux
    keeps the larger of the two across exec), so ru_maxrss showed the bench's peak,
    not the worker's, until the worker grew past it."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_task(task: str, *args) -> dict:
    """Call ``task`` (a name in TASKS) synchronously in this process and time it, with
    the time spent writing the PDF's HTML, laying it out and writing the PDF
    (WeasyPrint) if it makes one."""
    from importlib import import_module
    from unittest import mock

    from bench.queries import QueryCount
    from kkdigital.lib import pdf

    module, name = TASKS[task].rsplit(".", 1)
    function = getattr(import_module(module), name)
    phases = {"html": 0.0, "layout": 0.0, "write": 0.0}

    def timed(phase, call):
        def wrapper(*a, **kw):
            start = time.perf_counter()
            try:
                return call(*a, **kw)
            finally:
                phases[phase] += time.perf_counter() - start
        return wrapper

    before = _peak_mb()
    with QueryCount() as queries, \
            mock.patch.object(pdf, "render_to_string", timed("html", pdf.render_to_string)), \
            mock.patch.object(pdf, "layout_html", timed("layout", pdf.layout_html)), \
            mock.patch.object(pdf, "settle", timed("layout", pdf.settle)), \
            mock.patch.object(pdf, "write_pdf", timed("write", pdf.write_pdf)):
        start, cpu = time.perf_counter(), time.process_time()
        outcome = function(*args)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"outcome": outcome, "seconds": seconds, "cpu_seconds": cpu, "queries": len(queries),
            "html_seconds": phases["html"], "layout_seconds": phases["layout"],
            "write_seconds": phases["write"],
            "setup_mb": before, "peak_mb": _peak_mb()}


def run_in_worker(task: str, *args, media_root: str) -> dict:
    """Run ``task`` in a child process on the bench's database; its measurements."""
    from django.db import connection

    env = dict(os.environ, MEDIA_ROOT=media_root, DJANGO_SETTINGS_MODULE="kkdigital.settings")
    command = [sys.executable, "-m", "bench.worker", str(connection.settings_dict["NAME"]),
               task, *(str(a) for a in args)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the worker process failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    database_name, task, *args = argv
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kkdigital.settings")
    import django
    from django.conf import settings

    # A worker runs with DEBUG off; on, Django would keep every query in memory.
    settings.DEBUG = False
    django.setup()
    from django.db import connections

    # The bench's throw-away database (test_… or a temporary SQLite file).
    connections["default"].settings_dict["NAME"] = database_name
    result = run_task(task, *(int(a) for a in args))
    connections.close_all()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
