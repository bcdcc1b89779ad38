"""The collector's settings for a web worker (kkdigital.lib.collector)."""

import gc
import weakref

import pytest
from django.core.signals import request_finished

from kkdigital.lib import collector


class _Cycle:
    def __init__(self):
        self.me = self


@pytest.fixture
def collect_after_requests():
    request_finished.connect(collector.collect_after_request, dispatch_uid="test.collector")
    yield
    request_finished.disconnect(dispatch_uid="test.collector")


def _collections_of(run) -> list[int]:
    seen = []

    def watch(phase, info):
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(watch)
    try:
        run()
    finally:
        gc.callbacks.remove(watch)
    return seen


def test_a_finished_request_has_its_cycles_collected(client, collect_after_requests):
    gc.collect()
    found = []

    def request():
        response = client.get("/tilgaengelighed/")
        found.append(response.status_code)

    collections = _collections_of(request)
    assert found == [200]
    assert collections, "no collection when the request finished"


def test_the_older_generations_are_collected_when_their_turn_comes():
    gc.collect()
    _, middle, _old = gc.get_threshold()
    kinds = []
    for _ in range(middle + 2):
        _Cycle()
        kinds += _collections_of(collector.collect_after_request)
    # As CPython's own rule: the middle generation once more young collections have
    # passed than its threshold.
    assert kinds == [0] * (middle + 1) + [1]


def test_a_cycle_left_by_a_request_is_freed_when_it_finishes():
    gc.collect()
    gc.disable()  # only our collection may free it
    try:
        cycle = _Cycle()
        alive = [True]
        weakref.finalize(cycle, alive.clear)
        del cycle
        assert alive == [True]
        collector.collect_after_request(signal=request_finished, sender=None)
        assert alive == []
    finally:
        gc.enable()
