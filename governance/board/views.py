"""The IT directors' board: the ranked cases with scores, money and the cut line.

Only the circle and the secretariat see the board. Every move is a plain form
(up, down, to position N) that works without JavaScript; with htmx the board
is swapped in place and the move is announced in the live region; SortableJS
adds drag and drop on top (static/js/board.js).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.board import money
from governance.board.forms import FilterForm, MoveForm
from governance.board.models import BoardEntry
from governance.board.permissions import can_publish_board, can_use_board
from governance.board.presenter import present
from governance.board.rows import render_body
from governance.board.selectors import Filters, board_state
from governance.board.services import BoardConflict, board_move, board_sync
from governance.models import BudgetCycle
from governance.workflow import table
from kkdigital.lib.csvexport import csv_response
from kkdigital.lib.errors import ServiceError
from kkdigital.lib.http import no_store
from portfolio.models import Department
from strategy.models import Theme


def chosen_cycle(params) -> BudgetCycle:
    pk = params.get("cycle")
    if pk:
        if not str(pk).isdigit():
            raise Http404("No such cycle.")
        return get_object_or_404(BudgetCycle, pk=pk)
    cycle = BudgetCycle.objects.current()
    if cycle is None:
        raise Http404("No budget cycle yet.")
    return cycle


def _chosen_with_cycles(params) -> tuple[BudgetCycle, list[BudgetCycle]]:
    """The cycle the page shows (as :func:`chosen_cycle`) and all cycles for the choice
    of cycle, read in one query when the cycle is named."""
    cycles = list(BudgetCycle.objects.all())
    pk = str(params.get("cycle") or "")
    named = next((c for c in cycles if pk.isdigit() and c.pk == int(pk)), None)
    # Anything else (no cycle named, a cycle that does not exist) as chosen_cycle answers it.
    return named or chosen_cycle(params), cycles


def _require_board(user):
    if not can_use_board(user):
        raise PermissionDenied


def _filters(params, cycle, channels, departments):
    form = FilterForm(
        params or None,
        channels=channels,
        departments=departments,
        themes=Theme.objects.order_by("pk"),
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, Filters(
            channel=data.get("channel"),
            department=data.get("department"),
            scope=data.get("scope") or "",
            theme=data.get("theme"),
        )
    return form, Filters()


def _querystring(cycle, params) -> str:
    keep = {k: params.get(k) for k in ("channel", "department", "scope", "theme") if params.get(k)}
    return urlencode({"cycle": cycle.pk, **keep})


def labels() -> dict[str, str]:
    """The words every row repeats, translated once per page."""
    return {
        "drag": _("Drag to move"),
        "sealed": _("Sealed"),
        "score_first": _("Score first"),
        "disagree": _("Disagree"),
        "scores": _("Scores"),
        "see_scores": _("See scores"),
        "score": _("Score"),
        "requested": _("requested"),
        "below": _("Below the cut line"),
        "below_lower": _("below the cut line"),
        "straddles": _("Straddles the cut line"),
        "met": _("Met"),
        "not_met": _("Not met"),
        "why": _("Why"),
        "not_applicable": _("not applicable"),
        "recommended": _("Recommended"),
        "not_recommended": _("Not recommended"),
        "by_circle": _("by the circle:"),
        "follows": _("follows the cut line"),
        "fund_part": _("Fund the part that fits"),
        "change": _("Change"),
        "recommendation_of": _("recommendation of"),
        "new_position": _("New position for"),
        "no": _("No."),
        "move": _("Move"),
        "move_up": _("Move up:"),
        "move_down": _("Move down:"),
    }


def _context(request, cycle, params, announcement="", *, board=None, cycles=None):
    channels = money.channels()
    departments = list(Department.objects.order_by("code"))
    filter_form, filters = _filters(
        {k: v for k, v in params.items() if k in ("channel", "department", "scope", "theme")},
        cycle,
        channels,
        departments,
    )
    state = board_state(
        request.user, cycle, filters, board=board, channels=channels, departments=departments
    )
    present(state.rows)
    context = {
        "cycle": cycle,
        "cycles": BudgetCycle.objects.all() if cycles is None else cycles,
        "state": state,
        "filter_form": filter_form,
        "filters": filters,
        "querystring": _querystring(cycle, params),
        "queue_count": state.unscored_count,
        "may_publish": can_publish_board(request.user),
        "phase_open": table.step_open(cycle, "prioritise"),
        "announcement": announcement,
        "criteria": state.criteria,
        "pending_count": sum(1 for row in state.rows if not row.published),
        "t": labels(),
        "move_url": reverse("governance:board-move", args=[cycle.pk]),
        "csrf_input": format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
        ),
    }
    context["board_body"] = render_body(state, context)
    return context


# Where the ranking's rows go in the page: a comment no escaped text can contain.
_BODY_MARK = "<!--kk:board-body-->"


def _render_board(request, template, context) -> HttpResponse:
    """The page with the ranking's rows put in once it is written: the rows are one
    long text (1,4 MB at 400 cases) that the template would copy at every level of
    its nesting (its blocks, include and ifs); the answer is the same text."""
    body = context["board_body"]
    context["board_body"] = SafeString(_BODY_MARK)
    parts = render_to_string(template, context, request).split(_BODY_MARK)
    if len(parts) == 2:
        parts.insert(1, body)
    return HttpResponse(parts)


@login_required
@no_store
def board_page(request):
    """The board of a cycle (the prioritisation page)."""
    _require_board(request.user)
    cycle, cycles = _chosen_with_cycles(request.GET)
    board = board_sync(cycle=cycle)
    context = _context(request, cycle, request.GET, board=board, cycles=cycles)
    template = "governance/board/board_page.html"
    if request.headers.get("HX-Request") and request.GET.get("partial"):
        template = "governance/board/partials/_board.html"
    return _render_board(request, template, context)


def _target_rank(entry, form) -> int:
    step = form.cleaned_data["step"]
    if step == "up":
        return entry.rank - 1
    if step == "down":
        return entry.rank + 1
    return form.cleaned_data["position"]


@login_required
@require_POST
def board_move_view(request, cycle_pk: int):
    """Move a case on the board; answers the board as it now is."""
    _require_board(request.user)
    cycle = get_object_or_404(BudgetCycle, pk=cycle_pk)
    params = QueryDict(request.POST.get("q", ""))
    form = MoveForm(request.POST)
    level = messages.SUCCESS
    if not form.is_valid():
        announcement, level = next(iter(form.errors.values()))[0], messages.ERROR
    else:
        entry = get_object_or_404(
            BoardEntry.objects.select_related("case"),
            cycle=cycle,
            case_id=form.cleaned_data["case"],
        )
        to_rank = _target_rank(entry, form)
        try:
            move = board_move(
                actor=request.user,
                case_pk=entry.case_id,
                to_rank=to_rank,
                version=form.cleaned_data["version"],
            )
        except BoardConflict as conflict:
            announcement, level = conflict.message, messages.WARNING
        except ServiceError as refusal:
            announcement, level = refusal.message, messages.ERROR
        else:
            announcement = _("“%(title)s” moved from position %(from)s to %(to)s of %(count)s.") % {
                "title": entry.case.title,
                "from": move.from_rank,
                "to": move.to_rank,
                "count": BoardEntry.objects.filter(cycle=cycle).count(),
            }
    if request.headers.get("HX-Request"):
        context = _context(request, cycle, params, announcement=announcement)
        context["moved_case"] = form.cleaned_data.get("case") if form.is_valid() else None
        context["announce_level"] = level
        # htmx swaps 2xx answers only; the conflict is answered with the new board too.
        return _render_board(request, "governance/board/partials/_board_swap.html", context)
    messages.add_message(request, level, announcement)
    url = reverse("governance:prioritisation") + "?" + _querystring(cycle, params)
    anchor = f"#case-{form.cleaned_data['case']}" if form.is_valid() else ""
    return redirect(url + anchor)


@login_required
def board_export(request):
    """The board as CSV, sealed as the page: a director's export holds the others'
    scores only of the cases the director has scored."""
    _require_board(request.user)
    cycle = chosen_cycle(request.GET)
    state = board_state(request.user, cycle, with_scores=True)
    header = [
        _("Rank"),
        _("Code"),
        _("Case"),
        _("Department"),
        _("Scope"),
        _("State"),
        _("Weighted score"),
        _("Disagreement"),
        _("Recommendation"),
        _("Reason"),
    ]
    weight = _("weight")
    header += [f"{c.name} ({weight} {c.weight})" for c in state.criteria]
    rows = []
    for row in state.rows:
        case = row.case
        base = [
            row.entry.rank,
            getattr(case, "note_code", "") or "",
            case.title,
            case.department.code,
            case.get_scope_display(),
            case.get_state_display(),
            "" if row.sealed or row.mean is None else str(row.mean).replace(".", ","),
            ", ".join(c.name for c in row.disagreement),
            row.entry.get_recommendation_display() if row.entry.recommendation else "",
            row.entry.reason,
        ]
        per_criterion = []
        for criterion in state.criteria:
            values = [
                f"{d.director}: {d.by_criterion[criterion.pk].value}"
                for d in row.directors
                if criterion.pk in d.by_criterion
            ]
            per_criterion.append(", ".join(values))
        rows.append(base + per_criterion)
    return csv_response(f"tavle-{cycle.budget_year}.csv", header, rows, stream=False)
