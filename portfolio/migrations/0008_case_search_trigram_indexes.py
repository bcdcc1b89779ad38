"""Trigram indexes for the case list's search in title and summary, on PostgreSQL only.

The search is ``icontains``, which Django writes as ``UPPER(col::text) LIKE UPPER('%word%')``
on PostgreSQL; a GIN trigram index on ``UPPER(col)`` answers that without reading every
case. SQLite has no such index and keeps scanning its (small) table.
"""

from django.db import migrations

INDEXES = {
    "investmentcase_title_trgm": "title",
    "investmentcase_summary_trgm": "summary",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON portfolio_investmentcase "
            f"USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0007_history_change_reason_text"),
        # pg_trgm is created there (a no-op on SQLite).
        ("governance", "0006_trigram_extension"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
