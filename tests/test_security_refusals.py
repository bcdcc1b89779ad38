"""Every refusal (403 and 404) is written to kkdigital.security, in one place,
with user, path, object and time."""

import logging

import pytest
from django.urls import reverse

from governance.models import CommitteeMeeting, Notification

from .governance_helpers import complete_case


@pytest.fixture
def refusals(caplog):
    caplog.set_level(logging.WARNING, logger="kkdigital.security")

    def lines():
        return [r.getMessage() for r in caplog.records
                if r.name == "kkdigital.security" and r.getMessage().startswith("refused")]

    return lines


@pytest.fixture
def meeting(cycle, secretariat):
    import datetime

    return CommitteeMeeting.objects.create(cycle=cycle, held_on=datetime.date(2026, 6, 1),
                                           title="Punkt 7", created_by=secretariat)


def refused_once(lines, status, user, path, obj=None):
    matching = [line for line in lines if line.startswith(f"refused {status} ")
                and f"user={user.pk}:{user.username} " in line and f"path={path} " in line]
    assert len(matching) == 1, lines
    assert " time=20" in matching[0]
    if obj:
        assert obj in matching[0]


def test_creating_a_case_without_a_department_role_is_logged(client, director, refusals):
    client.force_login(director)
    url = reverse("portfolio:case-create")
    assert client.post(url, {"title": "x"}).status_code == 403
    refused_once(refusals(), 403, director, url)


@pytest.mark.parametrize("name", ["meeting-list", "meeting-detail"])
def test_the_meeting_pages_log_a_refusal(client, staff, meeting, refusals, name):
    client.force_login(staff)
    args = [meeting.pk] if name == "meeting-detail" else []
    url = reverse(f"governance:{name}", args=args)
    assert client.get(url).status_code == 403
    refused_once(refusals(), 403, staff, url, obj=f"pk={meeting.pk}" if args else None)


def test_the_decision_forms_log_a_refusal(client, committee_reader, meeting, department,
                                          cycle, refusals):
    case = complete_case(department=department, cycle=cycle, state="forwarded")
    meeting.cases.add(case)
    client.force_login(committee_reader)
    for url in (reverse("governance:decide-all", args=[meeting.pk]),
                reverse("governance:decide-case", args=[meeting.pk, case.pk])):
        assert client.post(url, {}).status_code == 403
        refused_once(refusals(), 403, committee_reader, url, obj=f"pk={meeting.pk}")


def test_publishing_the_prioritisation_logs_a_refusal(client, director, cycle, refusals):
    client.force_login(director)
    url = reverse("governance:prioritisation-publish", args=[cycle.pk])
    assert client.post(url).status_code == 403
    refused_once(refusals(), 403, director, url, obj=f"cycle_pk={cycle.pk}")


def test_someone_elses_notification_is_a_logged_404(client, staff, outsider, refusals):
    notification = Notification.objects.create(recipient=outsider, subject="Ny", body="Tekst")
    client.force_login(staff)
    url = reverse("governance:notification-read", args=[notification.pk])
    assert client.post(url).status_code == 404
    refused_once(refusals(), 404, staff, url, obj=f"pk={notification.pk}")
    notification.refresh_from_db()
    assert notification.read_at is None


def test_an_anonymous_refusal_names_no_user(client, db, refusals):
    assert client.get("/findes-ikke/").status_code == 404
    assert any("user=anonymous" in line and "path=/findes-ikke/" in line
               for line in refusals())
