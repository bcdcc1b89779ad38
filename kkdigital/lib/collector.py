"""The garbage collector's settings for a web worker.

A page that shows a whole board (400 cases) builds a few hundred thousand
short-lived objects. With CPython's default thresholds (700, 10, 10) that
allocation triggers hundreds of young collections and several full ones per
request, each of which walks every object the worker holds — Django, the URL
resolver, the translations. Those pauses land on whichever request is running and
make its time unpredictable (the benchmark's 95th percentile).

``tune()`` is called once a worker has loaded the application (``wsgi.py``,
``asgi.py``; the benchmark does the same before it measures): it moves
everything loaded so far out of the collector's sight (``gc.freeze``: it is
never garbage) and collects the youngest generation every 50,000 allocations
instead of 700. Reference counting still frees almost everything at once; the
collector only looks for cycles, and a cycle now waits a little longer to be
found. The cost is bounded: at most 50,000 young objects more in memory.
"""

import gc

YOUNG_THRESHOLD = 50_000


def tune() -> None:
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
