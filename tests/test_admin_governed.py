"""The admin is a window on the process: what the workflow governs is read-only
there, history is shown but never reverted, and master data stays editable.

The tests walk ``admin.site._registry``, so a model registered later is checked
too: it must either use ``kkdigital.admin.GovernedAdmin`` or be listed in
``MASTER_DATA`` below.
"""

import datetime

import pytest
from django import forms
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from kkdigital.admin import GovernedAdmin, HistoryAdmin
from portfolio.models import CaseState, InvestmentCase

from .factories import CaseEconomyLineFactory, CasePrincipleFactory, ThemeGoalFactory

# Models the secretariat keeps in the admin: the strategy, departments, channels,
# capacities, users and roles (and lifting a login lock-out).
MASTER_DATA = {
    "strategy.Strategy", "strategy.Theme", "strategy.ThemeGoal", "strategy.Principle",
    "strategy.Ambition", "strategy.Potential", "portfolio.Department", "portfolio.User",
    "financing.FinancingChannel", "financing.ChannelCapacity", "auth.Group",
    "financing.PriceIndex", "financing.PoolRules", "financing.LoanTerms",
    "axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog",
    # The register's KITOS unit mapping and radar settings; a department's own strategy.
    "portfolio.OrgUnitMapping", "portfolio.RegisterSettings", "strategy.DepartmentStrategy",
}
MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)
GOVERNED = [m for m in MODELS if m._meta.label not in MASTER_DATA]
HISTORY_MODELS = [m for m in MODELS if hasattr(m._meta, "simple_history_manager_attribute")]


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def rows(secretariat, department, cycle):
    """One row of every governed model, each with a history."""
    from financing.models import ChannelCapacity, FinancingChannel
    from governance.models import (
        Assessment,
        CaseTransition,
        CommitteeMeeting,
        Decision,
        Notification,
        PrioritisationRound,
    )
    from strategy.models import Ambition, Potential

    call_command("setup_roles", verbosity=0)
    secretariat.refresh_from_db()
    case = CasePrincipleFactory(case__department=department, case__cycle=cycle).case
    CaseEconomyLineFactory(case=case)
    ThemeGoalFactory()
    CaseTransition.objects.create(case=case, from_state="draft", to_state="submitted",
                                  actor=secretariat)
    Notification.objects.create(recipient=secretariat, case=case, subject="Ny sag", body="Tekst")
    Assessment.objects.create(case=case, score=3, recommendation="recommended",
                              assessed_by=secretariat)
    PrioritisationRound.objects.create(cycle=cycle, published_by=secretariat)
    meeting = CommitteeMeeting.objects.create(cycle=cycle, held_on=datetime.date(2026, 6, 1),
                                              title="Punkt 7", created_by=secretariat)
    meeting.cases.add(case)
    Decision.objects.create(case=case, meeting=meeting, outcome="approved", text="Godkendt.",
                            decided_on=datetime.date(2026, 6, 1), recorded_by=secretariat)
    channel = FinancingChannel.objects.create(kind="pool", name="Puljen")
    ChannelCapacity.objects.create(channel=channel, year=2027, amount=1, price_year=2027)
    Ambition.objects.create(number=1, name="Ambition")
    Potential.objects.get_or_create(number=1, defaults={"name": "Potentiale"})
    _money_rows(case, channel, cycle, secretariat)
    _register_and_strategy_rows(department, secretariat)
    return case


def _register_and_strategy_rows(department, secretariat):
    from portfolio.register.models import ImportJob, RegisterSettings
    from strategy.models import DepartmentStrategy

    from .factories_register import ContractFactory, ITSystemFactory, OrgUnitMappingFactory

    OrgUnitMappingFactory(department=department)
    RegisterSettings.objects.create()
    ITSystemFactory(owner_department=department)
    ContractFactory(owner_department=department)
    ImportJob.objects.create(kind="systems", file_name="kitos.xlsx", content=b"",
                             created_by=secretariat)
    DepartmentStrategy.objects.create(department=department, name="Strategi 2025-2027",
                                      starts_year=2025, ends_year=2027)


def _money_rows(case, channel, cycle, secretariat):
    from financing.models import Allocation, Loan, LoanInstalment, LoanTerms, PoolRules, PriceIndex

    PriceIndex.objects.create(year=2027, index="100.000")
    PoolRules.objects.create(cycle=cycle, max_payback_years=4)
    LoanTerms.objects.create(cycle=cycle, term_years=5, rate="1.50")
    Allocation.objects.create(case=case, channel=channel, year=2027, requested=1)
    loan = Loan.objects.create(case=case, department=case.department, principal=1,
                               payout_year=2027, term_years=1, rate=0, price_year=2027,
                               created_by=secretariat)
    LoanInstalment.objects.create(loan=loan, year=2028, principal_part=1, interest_part=0)


def snapshot(obj):
    obj.refresh_from_db()
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def form_data(model_admin, request, instance):
    """What a browser would POST for the admin form of ``instance``: every field
    with the instance's value, so the form is valid."""
    form = model_admin.get_form(request, instance)(instance=instance)
    data = {}
    for bound in form:
        widget, value = bound.field.widget, bound.value()
        if isinstance(widget, forms.MultiWidget):
            parts = widget.decompress(value)
            for i, (sub, part) in enumerate(zip(widget.widgets, parts, strict=False)):
                data[f"{bound.html_name}_{i}"] = sub.format_value(part) or ""
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        elif value is not None:
            data[bound.html_name] = str(value)
    # Inline formsets of the change form: none submitted.
    for inline in model_admin.get_inline_instances(request, instance):
        prefix = inline.get_formset(request, instance).get_default_prefix()
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


def test_every_registered_model_is_governed_or_master_data():
    for model in MODELS:
        model_admin = admin.site._registry[model]
        if model._meta.label in MASTER_DATA:
            if model in HISTORY_MODELS:
                assert isinstance(model_admin, HistoryAdmin), model._meta.label
        else:
            assert isinstance(model_admin, GovernedAdmin), (
                f"{model._meta.label}: register it with kkdigital.admin.GovernedAdmin "
                "or add it to MASTER_DATA"
            )


@pytest.mark.parametrize("model", GOVERNED, ids=lambda m: m._meta.label)
def test_the_secretariat_cannot_add_change_or_delete_a_governed_record(client, rows,
                                                                       secretariat, model):
    client.force_login(secretariat)
    obj = model._default_manager.first()
    assert obj is not None, f"the fixture has no {model._meta.label}"
    before = snapshot(obj)
    request = RequestFactory().get("/")
    request.user = secretariat
    data = form_data(admin.site._registry[model], request, obj)

    assert client.get(url(model, "changelist")).status_code == 200
    assert client.get(url(model, "add")).status_code == 403
    assert client.post(url(model, "add"), data).status_code == 403
    page = client.get(url(model, "change", obj.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(url(model, "change", obj.pk), data).status_code == 403
    assert client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    response = client.post(url(model, "changelist"),
                           {"action": "delete_selected", "_selected_action": [obj.pk],
                            "post": "yes"})
    assert response.status_code in (200, 302)
    assert snapshot(obj) == before
    assert model._default_manager.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=lambda m: m._meta.label)
def test_history_is_shown_and_a_posted_version_changes_nothing(client, rows, secretariat,
                                                              model):
    client.force_login(secretariat)
    obj = model._default_manager.first()
    version = obj.history.earliest()
    before = snapshot(obj)
    versions = obj.history.count()
    request = RequestFactory().get("/")
    request.user = secretariat
    data = form_data(admin.site._registry[model], request, version.instance)

    assert client.get(url(model, "history", obj.pk)).status_code == 200
    page = client.get(url(model, "simple_history", obj.pk, version.history_id))
    assert page.status_code == 200
    assert "Revert" not in page.content.decode() and "Gendan" not in page.content.decode()
    response = client.post(url(model, "simple_history", obj.pk, version.history_id), data)
    assert response.status_code == 403
    assert snapshot(obj) == before
    assert obj.history.count() == versions


def test_a_posted_old_version_does_not_rewrite_the_committees_decision(client, rows,
                                                                       secretariat):
    from governance.models import Decision

    decision = Decision.objects.get()
    old = decision.history.earliest()
    decision.outcome, decision.text = "rejected", "Afvist af ØU."
    decision.save()
    client.force_login(secretariat)
    request = RequestFactory().get("/")
    request.user = secretariat
    data = form_data(admin.site._registry[Decision], request, old.instance)
    response = client.post(url(Decision, "simple_history", decision.pk, old.history_id), data)
    assert response.status_code == 403
    decision.refresh_from_db()
    assert (decision.outcome, decision.text) == ("rejected", "Afvist af ØU.")


def test_a_submitted_case_cannot_be_moved_back_to_draft_through_its_history(client, rows,
                                                                            secretariat):
    case = rows
    draft = case.history.earliest()
    InvestmentCase.objects.filter(pk=case.pk).update(state=CaseState.SUBMITTED, version=2)
    case.refresh_from_db()
    case.save()
    client.force_login(secretariat)
    request = RequestFactory().get("/")
    request.user = secretariat
    data = form_data(admin.site._registry[InvestmentCase], request, draft.instance)
    response = client.post(url(InvestmentCase, "simple_history", case.pk, draft.history_id),
                           data)
    assert response.status_code == 403
    case.refresh_from_db()
    assert (case.state, case.version) == (CaseState.SUBMITTED, 2)


def test_master_data_history_cannot_be_reverted_either(client, rows, secretariat, department):
    from portfolio.models import Department

    old = department.history.earliest()
    department.name = "Ny navn"
    department.save()
    client.force_login(secretariat)
    request = RequestFactory().get("/")
    request.user = secretariat
    data = form_data(admin.site._registry[Department], request, old.instance)
    response = client.post(url(Department, "simple_history", department.pk, old.history_id),
                           data)
    assert response.status_code == 403
    assert Department.objects.get(pk=department.pk).name == "Ny navn"


def test_master_data_stays_editable(client, rows, secretariat, department):
    from portfolio.models import Department

    client.force_login(secretariat)
    request = RequestFactory().get("/")
    request.user = secretariat
    data = form_data(admin.site._registry[Department], request, department)
    data["name"] = "Beskæftigelses- og Integrationsforvaltningen (BIF)"
    response = client.post(url(Department, "change", department.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Department.objects.get(pk=department.pk).name.endswith("(BIF)")


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=lambda m: m._meta.label)
def test_a_malformed_id_on_a_history_page_is_not_found(client, rows, secretariat, model):
    client.force_login(secretariat)
    obj = model._default_manager.first()
    base = url(model, "history", obj.pk)
    assert client.get(base.replace("/history/", "/change/history/")).status_code == 404
    assert client.get(base + "abc/").status_code == 404
