"""setup_roles: the role groups and the secretariat's admin permissions."""

from django.contrib.auth.models import Group
from django.core.management import call_command

from portfolio.models import Role


def test_it_creates_one_group_per_role(db):
    call_command("setup_roles", verbosity=0)
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_running_it_twice_keeps_the_same_permissions(db):
    call_command("setup_roles", verbosity=0)
    first = set(Group.objects.get(name=Role.SECRETARIAT).permissions.values_list("pk", flat=True))
    call_command("setup_roles", verbosity=0)
    second = set(Group.objects.get(name=Role.SECRETARIAT).permissions.values_list("pk", flat=True))
    assert first == second and first


def test_the_secretariat_keeps_master_data_and_only_reads_records(secretariat):
    call_command("setup_roles", verbosity=0)
    secretariat.refresh_from_db()
    assert secretariat.has_perm("portfolio.change_department")
    assert secretariat.has_perm("strategy.add_theme")
    assert secretariat.has_perm("financing.change_channelcapacity")
    assert secretariat.has_perm("governance.change_phase")
    assert secretariat.has_perm("governance.view_casetransition")
    assert not secretariat.has_perm("governance.change_casetransition")
    assert not secretariat.has_perm("portfolio.delete_investmentcase")
    assert not secretariat.has_perm("portfolio.add_investmentcase")


def test_other_roles_get_no_model_permissions(staff, it_lead, director, committee_reader):
    call_command("setup_roles", verbosity=0)
    for user in (staff, it_lead, director, committee_reader):
        assert not user.has_perm("portfolio.view_department")


def test_active_secretariat_members_get_staff_status_and_no_one_else(secretariat, staff):
    secretariat.is_staff = False
    secretariat.save()
    call_command("setup_roles", verbosity=0)
    secretariat.refresh_from_db()
    staff.refresh_from_db()
    assert secretariat.is_staff
    assert not staff.is_staff
