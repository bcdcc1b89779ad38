"""Indexes for searching cases, on PostgreSQL only; SQLite keeps scanning its (small) table.

- The case list's search is ``icontains``, which Django writes as
  ``UPPER(col::text) LIKE UPPER('%word%')`` on PostgreSQL; a GIN trigram index on
  ``UPPER(col)`` answers it without reading every case.
- "Fælles først" (governance.commonfirst.finder) looks for cases whose title is
  similar (``title % …``, a trigram index on the title) or whose title and summary
  hold one of the title's words (``document @@ query``, an index on the same
  weighted Danish document the finder ranks by), and scores only those.
"""

from django.db import migrations

# The document must be written exactly as django.contrib.postgres.search.SearchVector
# writes it in the finder, or PostgreSQL does not use the index.
DOCUMENT = (
    "(setweight(to_tsvector('danish'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('danish'::regconfig, COALESCE(summary, '')), 'B'))"
)
INDEXES = {
    "investmentcase_title_upper_trgm": "gin (UPPER(title) gin_trgm_ops)",
    "investmentcase_summary_upper_trgm": "gin (UPPER(summary) gin_trgm_ops)",
    "investmentcase_title_trgm": "gin (title gin_trgm_ops)",
    "investmentcase_document_fts": f"gin ({DOCUMENT})",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, method in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON portfolio_investmentcase USING {method}"
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
