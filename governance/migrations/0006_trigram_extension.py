"""pg_trgm for the "fælles først" similarity finder; a no-op on SQLite."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("governance", "0005_followup_and_common_first")]

    operations = [TrigramExtension()]
