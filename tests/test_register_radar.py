"""The re-tendering radar: the page, the draft case from a contract, the nightly run."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from financing.models import Allocation, ChannelKind, FinancingChannel
from governance.models import Notification
from governance.services import retender
from portfolio.models import CaseState, CaseType, EconomyKind, InvestmentCase
from portfolio.register.models import (
    BusinessCritical,
    CaseSystem,
    ContractCase,
    RegisterSettings,
    SystemRole,
)
from portfolio.register.rules import add_months

from .factories_register import ContractFactory, ITSystemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def loan_channel(db):
    channel, _created = FinancingChannel.objects.get_or_create(
        kind=ChannelKind.LOAN, defaults={"name": "Interne lån til genudbud"}
    )
    return channel


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def expiring(department, today):
    """A contract of BIF whose decision date is two months away (18 + 6 + 2 months)."""
    system = ITSystemFactory(name="Sagssystem", owner_department=department,
                             business_critical=BusinessCritical.YES)
    other = ITSystemFactory(name="Booking", owner_department=department)
    return ContractFactory(
        name="Driftsaftale", owner_department=department, systems=[system, other],
        valid_to=add_months(today, 26), notice_months=6, extension_options="2 x 12 måneder",
        yearly_operating_cost=2_400_000, acquisition_cost=9_500_000,
    )


def test_the_radar_lists_business_critical_contracts_first(client, staff, department, today,
                                                           cycle):
    plain = ContractFactory(name="Aaa almindelig", owner_department=department,
                            valid_to=add_months(today, 25), notice_months=6)
    critical_system = ITSystemFactory(business_critical=BusinessCritical.YES)
    ContractFactory(name="Zzz kritisk", owner_department=department,
                    systems=[critical_system], valid_to=add_months(today, 30), notice_months=6)
    ContractFactory(name="Langt ude", owner_department=department,
                    valid_to=add_months(today, 80))
    ContractFactory(name="Udløbet", owner_department=department,
                    valid_to=today - datetime.timedelta(days=1))
    client.force_login(staff)

    response = client.get(reverse("register:radar"), {"months": 12})

    assert [c.name for c in response.context["page_obj"]] == ["Zzz kritisk", plain.name]
    page = response.content.decode()
    assert "1.000" in page  # the yearly cost in 1.000 kr.


def test_the_radar_window_follows_the_secretariat_setting(client, staff, department, today,
                                                          cycle):
    ContractFactory(name="Om 30 måneder", owner_department=department,
                    valid_to=add_months(today, 30 + 24), notice_months=0)
    RegisterSettings.objects.create(radar_months=36)
    client.force_login(staff)
    # Decision date: 54 − 18 = 36 months away.
    assert "Om 30 måneder" in client.get(reverse("register:radar")).content.decode()


def test_a_department_user_creates_the_draft_case_from_a_contract(
    client, staff, colleague, it_lead, expiring, cycle, loan_channel, today
):
    client.force_login(staff)

    response = client.post(reverse("governance:retender-create", args=[expiring.pk]))

    case = InvestmentCase.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.state == CaseState.DRAFT
    assert case.case_type == CaseType.RETENDER
    assert case.department == expiring.owner_department
    assert case.created_by == staff
    assert ContractCase.objects.get(case=case).contract == expiring
    assert set(
        CaseSystem.objects.filter(case=case, role=SystemRole.REPLACES)
        .values_list("system__name", flat=True)
    ) == {"Sagssystem", "Booking"}
    end_year = expiring.valid_to.year
    year = min(max(end_year, 2027), 2030)
    lines = {(line.kind, line.year): line.amount for line in case.economy_lines.all()}
    assert lines[(EconomyKind.RETENDER, year)] == 9_500_000
    assert lines[(EconomyKind.OPERATING, 2030)] == 2_400_000
    (allocation,) = Allocation.objects.filter(case=case, channel=loan_channel)
    assert (allocation.year, allocation.requested) == (year, 9_500_000)
    assert allocation.history.first().history_user == staff
    # The advis goes to the department's other people.
    assert set(Notification.objects.filter(case=case).values_list("recipient", flat=True)) == {
        colleague.pk, it_lead.pk
    }
    assert "2 x 12 måneder" in case.background


def test_the_secretariat_creates_it_and_the_radar_requests_the_loan(
    secretariat, expiring, cycle, loan_channel
):
    case = retender.retender_case_create(actor=secretariat, contract_pk=expiring.pk)

    assert case.created_by == secretariat
    allocation = Allocation.objects.get(case=case)
    assert allocation.history.first().history_user.username == "genudbudsradar-bif"


def test_another_department_cannot_create_it(client, outsider, expiring, cycle, loan_channel):
    client.force_login(outsider)

    response = client.post(reverse("governance:retender-create", args=[expiring.pk]))

    assert response.status_code == 403
    assert not InvestmentCase.objects.exists()
    with pytest.raises(PermissionDenied):
        retender.retender_case_create(actor=outsider, contract_pk=expiring.pk)


def test_the_same_contract_never_gets_two_open_cases(client, staff, expiring, cycle,
                                                     loan_channel):
    first = retender.retender_case_create(actor=staff, contract_pk=expiring.pk)
    client.force_login(staff)

    response = client.post(reverse("governance:retender-create", args=[expiring.pk]))

    assert response["Location"] == first.get_absolute_url()
    assert InvestmentCase.objects.count() == 1
    with pytest.raises(retender.OpenCaseExists):
        retender.retender_case_create(actor=staff, contract_pk=expiring.pk)


def test_a_withdrawn_case_lets_the_contract_get_a_new_one(staff, expiring, cycle, loan_channel):
    first = retender.retender_case_create(actor=staff, contract_pk=expiring.pk)
    InvestmentCase.objects.filter(pk=first.pk).update(state=CaseState.WITHDRAWN)

    second = retender.retender_case_create(actor=staff, contract_pk=expiring.pk)

    assert second.pk != first.pk


def test_the_nightly_run_creates_one_case_per_contract_and_tells_the_department(
    staff, it_lead, expiring, department, cycle, loan_channel, today
):
    ContractFactory(name="Langt ude", owner_department=department,
                    valid_to=add_months(today, 80))

    created = retender.retender_radar_run(today=today)
    again = retender.retender_radar_run(today=today)

    (case,) = created
    assert again == []
    assert case.retender_link.by_radar
    assert case.created_by.username == "genudbudsradar-bif"
    assert not case.created_by.has_usable_password()
    notified = Notification.objects.filter(case=case)
    assert set(notified.values_list("recipient", flat=True)) == {staff.pk, it_lead.pk}
    assert "Advis" in notified.first().subject
    assert Allocation.objects.filter(case=case, channel=loan_channel).exists()


def test_the_nightly_run_can_be_turned_off(expiring, cycle, loan_channel, today):
    RegisterSettings.objects.create(auto_case_months=0)
    assert retender.retender_radar_run(today=today) == []


def test_the_contract_page_offers_the_button_to_its_department_only(
    client, staff, outsider, expiring, cycle
):
    client.force_login(staff)
    assert reverse("governance:retender-create", args=[expiring.pk]) in client.get(
        expiring.get_absolute_url()
    ).content.decode()
    client.force_login(outsider)
    assert reverse("governance:retender-create", args=[expiring.pk]) not in client.get(
        expiring.get_absolute_url()
    ).content.decode()


def test_changing_the_lead_time_moves_every_decision_date(secretariat, expiring, today):
    from portfolio.register.services import register_settings_update

    register_settings_update(actor=secretariat, tender_lead_months=24, radar_months=24)

    expiring.refresh_from_db()
    assert expiring.decision_date == add_months(expiring.valid_to, -30)
