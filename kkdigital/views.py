"""Site-wide pages: the home page, logout and the accessibility statement."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from portfolio.models import COMMITTEE_STATES, CaseState, Department, InvestmentCase, Role
from portfolio.permissions import is_department_user, is_secretariat

from .context_processors import current_cycle

# How many of the department's cases the home page lists.
LATEST_CASES = 5
STATE_ORDER = {state: index for index, state in enumerate(CaseState.values)}


def _state_counts(cases) -> list[dict]:
    """Counts by state in workflow order, leaving out states without cases (one query)."""
    rows = cases.order_by().values("state").annotate(n=Count("pk"))
    counts = sorted(rows, key=lambda row: STATE_ORDER[row["state"]])
    return [
        {"state": row["state"], "label": CaseState(row["state"]).label, "count": row["n"]}
        for row in counts
    ]


def _department_overview(cases, department) -> dict:
    own = cases.filter(department=department)
    latest = own.only("title", "state", "updated_at").order_by("-updated_at", "-pk")[:LATEST_CASES]
    counts = _state_counts(own)
    return {
        "department": department,
        "counts": counts,
        "total": sum(row["count"] for row in counts),
        "latest": list(latest),
    }


def _secretariat_overview(cases) -> dict:
    """A department × state table of the cycle's cases (two queries)."""
    cells = {}
    used_states = set()
    for row in cases.order_by().values("department_id", "state").annotate(n=Count("pk")):
        cells[(row["department_id"], row["state"])] = row["n"]
        used_states.add(row["state"])
    states = sorted(used_states, key=STATE_ORDER.__getitem__)
    rows = []
    for department in Department.objects.only("code", "name"):
        counts = [cells.get((department.pk, state), 0) for state in states]
        rows.append(
            {
                "department": department,
                "counts": counts,
                "total": sum(counts),
                # (state, count) pairs: each count links to its cases.
                "cells": list(zip(states, counts, strict=True)),
            }
        )
    column_totals = [sum(row["counts"][i] for row in rows) for i in range(len(states))]
    return {
        "columns": [CaseState(state).label for state in states],
        "rows": rows,
        "column_totals": column_totals,
        "total_cells": list(zip(states, column_totals, strict=True)),
        "total": sum(column_totals),
    }


def _directors_overview(cases) -> dict:
    counts = dict(
        cases.filter(state__in=(CaseState.SUBMITTED, CaseState.QUALIFIED))
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    return {
        "submitted": counts.get(CaseState.SUBMITTED, 0),
        "qualified": counts.get(CaseState.QUALIFIED, 0),
    }


def _committee_overview(cases) -> dict:
    before = list(
        cases.filter(state__in=COMMITTEE_STATES)
        .select_related("department")
        .only("title", "state", "department__code", "department__name")
        .order_by("department__name", "title")
    )
    before.sort(key=lambda case: STATE_ORDER[case.state])
    return {"cases": before}


@login_required
def home(request):
    """The current cycle and open phases, and the user's work in it, by role."""
    user = request.user
    cycle = current_cycle(request)
    context = {"cycle": cycle, "has_role": bool(user.roles)}
    if cycle is not None:
        # visible_to joins nothing, so each case is counted once.
        cases = InvestmentCase.objects.visible_to(user).filter(cycle=cycle)
        if is_department_user(user):
            context["department_overview"] = _department_overview(cases, user.department)
        if is_secretariat(user):
            context["secretariat_overview"] = _secretariat_overview(cases)
            # The table's counts link to the case list, filtered to the cycle.
            context["list_url"] = f"{reverse('portfolio:case-list')}?cycle={cycle.budget_year}"

        if user.has_role(Role.IT_DIRECTORS):
            context["directors_overview"] = _directors_overview(cases)
        if user.has_role(Role.COMMITTEE_READER):
            context["committee_overview"] = _committee_overview(cases)
    return render(request, "home.html", context)


class LogoutView(auth_views.LogoutView):
    """Log out (POST only, as in Django 5) and say so on the login page."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You are now logged out."))
        return response


def accessibility_statement(request):
    """The accessibility statement (tilgængelighedserklæring); public, as the law requires."""
    return render(request, "kkdigital/accessibility_statement.html")


@never_cache
def health(request):
    """For the container health check: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
