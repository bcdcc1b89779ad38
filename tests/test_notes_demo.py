"""The notes' demo data: one finished plan export, written once."""

import datetime

import pytest
from django.core.management import call_command

from governance.exports.models import ExportJob, ExportState
from kkdigital.demo import area_50_notes


@pytest.mark.django_db(transaction=True)
def test_the_demo_has_one_finished_plan_export_however_often_it_runs(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", "--force")
    lines = []
    for _ in range(2):
        area_50_notes.seed(today=datetime.date(2026, 12, 2), log=lines.append)
    job = ExportJob.objects.get()
    assert job.state == ExportState.DONE
    assert (settings.MEDIA_ROOT / job.file.name).is_file()
    assert lines[-1] == "notes: the plan export exists"
