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

And each request's cycles are collected when that request has finished
(``collect_after_request``, on Django's ``request_finished``, which a WSGI server
sends once it has sent the answer): left to the thresholds, the cycles of a PDF
(some 17.000 objects of WeasyPrint's) or of a page with prefetched rows (a case
and its lines point at each other) wait for a collection in some later request,
whose time it then adds to — measured: 33 to 195 ms on a page that did not make
them. Collected at once, they cost their own request 1–10 ms after its answer.
"""

import gc

from django.core.signals import request_finished

YOUNG_THRESHOLD = 50_000


def tune() -> None:
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
    request_finished.connect(collect_after_request, dispatch_uid="kkdigital.collector")


def collect_after_request(**_kwargs) -> None:
    """Collect what the request left, as the thresholds would at their time: the
    youngest generation, and the older ones when as many collections of the younger
    have passed as their thresholds say (everything loaded before ``tune`` is frozen,
    so even a full collection walks only what the worker has made since)."""
    _, middle, old = gc.get_threshold()
    _, younger_collections, middle_collections = gc.get_count()
    if middle_collections > old:
        gc.collect(2)
    elif younger_collections > middle:
        gc.collect(1)
    else:
        gc.collect(0)
