"""The cross-cutting development and transition plan: live, and its frozen versions."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from governance.board.views import chosen_cycle
from governance.plans.models import PlanGate, PlanVersion
from governance.plans.permissions import (
    can_freeze_plan,
    can_read_plan,
    reads_whole_plan,
    visible_lines,
)
from governance.plans.presenters import plan_body
from governance.plans.services import plan_freeze
from governance.plans.snapshot import plan_lines, version_diff, version_lines
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


# A frozen version's body is the same for every reader with the same view of it;
# it cannot go stale (the version's rows never change), so it may stay a day.
VERSION_BODY_SECONDS = 24 * 60 * 60


def _body_context(user, cycle, lines) -> dict:
    years = cycle.out_years
    return {
        "cycle": cycle,
        "years": years,
        "body": plan_body(visible_lines(user, lines), years),
    }


def _reader_scope(user) -> str:
    """What of a plan ``user`` sees: all of it, or one department's cases."""
    if reads_whole_plan(user):
        return "all"
    return f"department:{user.department.code}"


def _version_body(user, version, previous) -> str:
    """The rendered changes and plan of a frozen version, as ``user`` may read them.

    Cached by the version, the one before it, the language and what the reader
    sees of the plan: a frozen version's rows never change (and a plan's cases
    are never deleted, so its links stay), so the key cannot go stale. Who may
    read the page at all is checked on every request, before this.
    """
    before = previous.pk if previous else 0
    key = (
        f"governance:plan-version-body:{version.pk}:{before}:{get_language()}:{_reader_scope(user)}"
    )
    body = cache.get(key)
    if body is None:
        lines = visible_lines(user, version_lines(version))
        old = visible_lines(user, version_lines(previous)) if previous else None
        context = _body_context(user, version.cycle, lines)
        context.update({"previous": previous, "changes": version_diff(old, lines)})
        body = render_to_string("governance/plans/_version_body.html", context)
        cache.set(key, body, VERSION_BODY_SECONDS)
    return body


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
    # A department reads its own cases and those it takes part in; the others read all.
    whole = reads_whole_plan(request.user)
    context = _body_context(request.user, cycle, plan_lines(cycle, participants=not whole))
    context.update(
        {
            "whole": whole,
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
    context = {
        "version": version,
        "previous": previous,
        "version_body": _version_body(request.user, version, previous),
    }
    return render(request, "governance/plans/version_page.html", context)
