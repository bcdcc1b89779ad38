"""The case form: a department writes and edits its investment cases.

The views fetch through the permission helper, let the forms parse, and hand
the rest to ``portfolio.services``.
"""

import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kkdigital.lib.refusals import report_refusal

from ..case_page import case_form_context
from ..economy import EconomyTable, row_key
from ..forms import (
    FIELD_SECTIONS,
    PERMANENT,
    SECTION_SLUGS,
    SECTIONS,
    CaseForm,
    EconomyForm,
)
from ..models import InvestmentCase
from ..permissions import can_create_case, can_edit_case, get_case_for
from ..services import CaseConflict, case_create, case_update

ECONOMY_ERROR_ID = "economy-error"


@dataclass
class FieldView:
    """A field of the case form with everything said about it: format errors and problems."""

    name: str
    bound: object = None
    errors: list[str] = field(default_factory=list)
    anchor: str = ""
    label: str = ""

    @property
    def error_id(self) -> str:
        return f"{self.anchor}-error"


def _current_cycle():
    # portfolio does not import governance: reach the cycle model through the case.
    cycle_model = InvestmentCase._meta.get_field("cycle").related_model
    return cycle_model.objects.current()


@never_cache
@login_required
def case_create_view(request):
    if not can_create_case(request.user):
        raise PermissionDenied
    cycle = _current_cycle()
    if cycle is None:
        raise Http404("No budget cycle.")
    department = request.user.department
    # The form's one-time token: kept across a re-rendered form, new otherwise.
    form_token = _form_token(request.POST.get("form_token")) if request.method == "POST" else None
    if request.method == "POST":
        form = CaseForm(request.POST, department=department)
        economy = EconomyForm(request.POST, years=cycle.out_years)
        if form.is_valid() and economy.is_valid():
            try:
                case = case_create(
                    actor=request.user, cycle=cycle, data=form.case_data(economy.amounts()),
                    form_token=form_token,
                )
            except ValidationError as error:
                report_refusal(request, error, form, economy)
            else:
                return _after_save(request, case)
    else:
        form = CaseForm(department=department)
        economy = EconomyForm(years=cycle.out_years)
    return _render(request, form=form, economy=economy, cycle=cycle, case=None,
                   form_token=form_token or uuid.uuid4())


def _form_token(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@never_cache
@login_required
def case_edit_view(request, pk):
    case = get_case_for(
        request.user,
        pk,
        can_edit_case,
        queryset=InvestmentCase.objects.select_related("department", "cycle"),
    )
    cycle = case.cycle
    table = None
    conflict = None
    problems: dict[str, list[str]] = {}
    if request.method == "POST":
        form = CaseForm(request.POST, instance=case, department=case.department)
        economy = EconomyForm(request.POST, years=cycle.out_years)
        if form.is_valid() and economy.is_valid():
            try:
                saved = case_update(
                    actor=request.user,
                    case_pk=case.pk,
                    expected_version=form.cleaned_data.get("version") or 0,
                    data=form.case_data(economy.amounts()),
                )
            except ValidationError as error:
                report_refusal(request, error, form, economy)
            except CaseConflict as error:
                conflict = error
                # Keep what this person typed, but save it next time against the
                # version now in the database: they have seen the other changes.
                data = request.POST.copy()
                data["version"] = str(error.current_version)
                form = CaseForm(data, instance=case, department=case.department)
                economy = EconomyForm(data, years=cycle.out_years)
                form.is_valid()
                economy.is_valid()
            else:
                return _after_save(request, saved)
    else:
        form = CaseForm(instance=case, department=case.department)
        table = EconomyTable.for_case(case)
        economy = EconomyForm(years=cycle.out_years, table=table)
        if request.GET.get("tjek"):
            problems = case.submission_problems()
    response = _render(
        request,
        form=form,
        economy=economy,
        cycle=cycle,
        case=case,
        problems=problems,
        checked=bool(request.GET.get("tjek")),
        conflict=conflict,
        table=table,
    )
    if conflict is not None:
        response.status_code = 409
    return response


def _after_save(request, case):
    """Back to the form: at the section saved from, or with the completeness check."""
    action = request.POST.get("action", "")
    url = reverse("portfolio:case-edit", args=[case.pk])
    if action == "check":
        return redirect(f"{url}?{urlencode({'tjek': 1})}#resultat")
    section = action.removeprefix("save:")
    if section not in SECTION_SLUGS:
        section = "grundlag"
    return redirect(f"{url}?{urlencode({'sektion': section, 'gemt': 1})}#sektion-{section}")


def _render(request, *, form, economy, cycle, case, problems=None, checked=False,
            conflict=None, form_token=None, table=None):
    """The form page; ``table`` is the case's stored economy when the view has read it."""
    problems = problems or {}
    fields = _field_views(form, economy, problems)
    summary = _summary(fields, form, economy)
    if economy.is_bound:
        table = EconomyTable(economy.years, _typed_lines(economy), price_year=cycle.budget_year)
    elif table is not None:
        pass
    elif case is not None:
        table = EconomyTable.for_case(case)
    else:
        table = EconomyTable(economy.years, price_year=cycle.budget_year)
    section = request.GET.get("sektion", "")
    context = {
        "case": case,
        "cycle": cycle,
        "form": form,
        "economy": economy,
        "economy_rows": _economy_rows(economy, table),
        "table": table,
        "economy_totals": [
            {"key": str(year) if year is not None else PERMANENT, "amount": amount}
            for year, amount in table.net_per_year.items()
        ],
        "price_year": case.price_year if case else cycle.budget_year,
        "fields": fields,
        "error_summary": summary,
        "sections": SECTIONS,
        "current_section": section if section in SECTION_SLUGS else "",
        "saved": bool(request.GET.get("gemt")) and not form.is_bound,
        "checked": checked,
        "ready": checked and not problems,
        "conflict": conflict,
        "form_token": form_token,
        "section_errors": {_section_of(name) for name, f in fields.items() if f.errors},
    }
    if case is not None:
        context.update(case_form_context(request.user, case))
    return render(request, "portfolio/case_form.html", context)


def _section_of(name: str) -> str:
    if name.startswith("eco-"):
        return "oekonomi"
    if name.startswith("principle_"):
        return "forankring"
    return FIELD_SECTIONS.get(name, "grundlag")


def _typed_lines(economy):
    return [
        (kind, year, amount, area)
        for (kind, year, area), amount in economy.typed_amounts().items()
    ]


def _economy_rows(economy, table):
    """Rows of the economy table for the template: cells with their errors, and totals.

    Gains show as the positive savings people typed.
    """
    rows = []
    for kind, area, label, cells in economy.rows():
        total = table.row_total(kind, area)
        rows.append(
            {
                "kind": kind.value,
                "row": row_key(kind, area),
                "label": label,
                "is_gain": kind == "gain",
                "cells": cells,
                "total": abs(total) if kind == "gain" else total,
            }
        )
    return rows


def _field_views(form, economy, problems) -> dict[str, FieldView]:
    views: dict[str, FieldView] = {}
    for name in form.fields:
        bound = form[name]
        anchor = bound.auto_id or f"id_{name}"
        if name in ("participating_departments", "themes", "potentials", "scope",
                    "green_requirements"):
            anchor = f"{bound.auto_id}_0"
        views[name] = FieldView(
            name=name,
            bound=bound,
            errors=[str(e) for e in bound.errors] + list(problems.get(name, [])),
            anchor=anchor,
        )
    themes = form.themes()
    if "themes" in views and themes:
        views["themes"].anchor = f"id_themes_{themes[0].pk}"
    principle_fields = form.principle_fields()
    views["principles"] = FieldView(
        name="principles",
        label=_("Principles"),
        errors=list(problems.get("principles", [])),
        anchor=principle_fields[0][1].auto_id if principle_fields else "forankring",
    )
    first_cell = economy[economy.cell_name("investment", economy.years[0])]
    views["economy"] = FieldView(
        name="economy",
        label=_("Economy"),
        errors=[str(e) for e in economy.non_field_errors()] + list(problems.get("economy", [])),
        anchor=first_cell.auto_id,
    )
    if views["economy"].errors:
        # The economy's own message has its own id (the first cell may have one
        # too); the first cell, where the summary link lands, points to it.
        attrs = first_cell.field.widget.attrs
        attrs["aria-describedby"] = " ".join(
            filter(None, [attrs.get("aria-describedby", ""), ECONOMY_ERROR_ID])
        )
    for name, bound in ((n, economy[n]) for n in economy.fields):
        views[f"eco-{name}"] = FieldView(
            name=name, bound=bound, errors=[str(e) for e in bound.errors], anchor=bound.auto_id
        )
    # Any other problem the completeness rule knows of still shows in the summary.
    for name, messages in problems.items():
        if name not in views:
            views[name] = FieldView(name=name, errors=list(messages), anchor="grundlag")
    for view in views.values():
        if view.bound is not None and view.errors:
            attrs = view.bound.field.widget.attrs
            attrs["aria-describedby"] = " ".join(
                filter(None, [attrs.get("aria-describedby", ""), view.error_id])
            )
            attrs["aria-invalid"] = "true"
    return views


def _summary(fields, form, economy) -> list[dict]:
    """The error summary: one link per message, in the order of the form."""
    order = []
    for name in FIELD_SECTIONS:
        order.append(name)
        if name == "principles":
            order += [form.principle_field_name(p) for p in form.principles]
        if name == "economy":
            order += [f"eco-{cell}" for cell in economy.fields]
    seen = set()
    links = [
        {"anchor": "sektion-grundlag", "message": str(message), "label": ""}
        for message in form.non_field_errors()
    ]
    for name in [*order, *fields]:
        if name in seen or name not in fields:
            continue
        seen.add(name)
        view = fields[name]
        label = view.bound.label if view.bound is not None else view.label
        for message in view.errors:
            links.append({"anchor": view.anchor, "message": message, "label": label})
    return links
