"""The cross-cutting development and transition plan: live, and its frozen versions."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.board import money
from governance.board.views import chosen_cycle
from governance.plans.models import PlanGate, PlanVersion
from governance.plans.permissions import (
    can_freeze_plan,
    can_read_plan,
    reads_whole_plan,
    visible_lines,
)
from governance.plans.services import plan_freeze
from governance.plans.snapshot import grouped, plan_lines, version_diff, version_lines
from kkdigital.lib.errors import ServiceError
from kkdigital.lib.http import no_store


class FreezeForm(forms.Form):
    gate = forms.ChoiceField(
        label=gettext_lazy("Gate"),
        choices=PlanGate.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-input"}),
    )


def _totals(lines, years):
    return {
        "cost": [sum(line.year_cost(y) for line in lines) for y in years],
        "gain": [sum(line.year_gain(y) for line in lines) for y in years],
        "service": sum(line.investment_service for line in lines),
        "anlaeg": sum(line.investment_anlaeg for line in lines),
        "effect": sum(line.full_effect for line in lines),
        "total": sum(line.grand_total for line in lines),
    }


def _channels(lines, years):
    """Financing per channel and year: what the plan counts on from each channel."""
    kinds = {}
    for line in lines:
        kinds.update(line.channel_names())
    return [
        {"name": name, "amounts": [sum(line.planned(kind, y) for line in lines) for y in years]}
        for kind, name in sorted(kinds.items())
    ]


def _plan_context(user, cycle, lines):
    years = cycle.out_years
    lines = visible_lines(user, lines)
    return {
        "cycle": cycle,
        "years": years,
        "lines": lines,
        "groups": grouped(lines),
        "totals": _totals(lines, years),
        "channels": _channels(lines, years),
        "whole": reads_whole_plan(user),
        "money": money.money_available(),
    }


@login_required
@no_store
def plan_page(request):
    """The plan of a cycle as it is now, its versions, and freezing a new one."""
    if not can_read_plan(request.user):
        raise PermissionDenied
    cycle = chosen_cycle(request.GET)
    form = FreezeForm(request.POST or None) if can_freeze_plan(request.user) else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                version = plan_freeze(actor=request.user, cycle=cycle, **form.cleaned_data)
            except ServiceError as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(
                    request,
                    _("Version %(number)s of the plan is frozen.") % {"number": version.number},
                )
                return redirect("governance:plan-version", pk=version.pk)
        status = 400
    context = _plan_context(request.user, cycle, plan_lines(cycle))
    context.update(
        {
            "versions": cycle.plan_versions.select_related("frozen_by").order_by("-number"),
            "cycles": cycle.__class__.objects.all(),
            "form": form,
        }
    )
    return render(request, "governance/plans/plan_page.html", context, status=status)


@login_required
@no_store
def plan_version_page(request, pk: int):
    """A frozen version and what changed since the one before it."""
    if not can_read_plan(request.user):
        raise PermissionDenied
    version = get_object_or_404(PlanVersion.objects.select_related("cycle", "frozen_by"), pk=pk)
    previous = (
        PlanVersion.objects.filter(cycle=version.cycle, number__lt=version.number)
        .order_by("-number")
        .first()
    )
    lines = version_lines(version)
    old = version_lines(previous) if previous else None
    if not reads_whole_plan(request.user):
        lines = visible_lines(request.user, lines)
        old = visible_lines(request.user, old) if old is not None else None
    context = _plan_context(request.user, version.cycle, lines)
    context.update(
        {
            "version": version,
            "previous": previous,
            "changes": version_diff(old, lines),
            "versions": version.cycle.plan_versions.order_by("-number"),
        }
    )
    return render(request, "governance/plans/version_page.html", context)
