"""Counting SQL statements without keeping them (no heavy imports: the worker uses it)."""

from django.db import connection


class QueryCount:
    """Counts the SQL statements run on the default connection while open, without
    keeping them: Django's query log keeps the last 9.000 only, so a job of more would be
    counted wrong (and a capture that starts with a full log counts nothing)."""

    def __init__(self):
        self.count = 0
        self._wrapping = None

    def _count(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapping = connection.execute_wrapper(self._count)
        self._wrapping.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapping.__exit__(*exc)

    def __len__(self):
        return self.count
