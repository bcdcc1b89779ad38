"""A render lets go of its context at once (kkdigital/lib/templates.py)."""

import gc
import weakref

from django.template import engines
from django.template.backends.django import DjangoTemplates as StockBackend


class Rows:
    """Stands for what a view hands a template: rows, forms, model instances."""


def _render_and_release(backend_engine, rf) -> bool:
    """Whether the object given to the template is freed as soon as the render is done,
    before any garbage collection."""
    rows = Rows()
    ref = weakref.ref(rows)
    template = backend_engine.from_string("{% for x in rows.items %}{{ x }}{% endfor %}done")
    gc.disable()
    try:
        text = template.render({"rows": rows}, request=rf.get("/"))
        del rows
        return text == "done" and ref() is None
    finally:
        gc.enable()


def test_the_projects_engine_frees_the_context_when_the_text_is_written(rf):
    assert _render_and_release(engines["django"], rf)


def test_djangos_own_engine_leaves_it_to_the_collector(rf, settings):
    # The reason for our engine: with Django's, the context is a reference cycle.
    stock = StockBackend(
        {"NAME": "stock", "DIRS": [], "APP_DIRS": False, "OPTIONS": {"context_processors": []}}
    )
    assert not _render_and_release(stock, rf)
