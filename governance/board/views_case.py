"""One case on the board: scoring it (sealed), recommending it; the director's
queue; publishing; the cycle's criteria."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from governance.board.forms import CriterionForm, PublishForm, RecommendForm, ScoreForm
from governance.board.funding import board_fund_above_line, board_fund_case
from governance.board.models import BoardEntry, Criterion, Score
from governance.board.permissions import can_publish_board, can_set_criteria, can_use_board
from governance.board.publishing import board_publish
from governance.board.selectors import (
    board_state,
    disagreements,
    open_before_publishing,
    queue_for,
    sees_scores_of,
    weighted_mean,
)
from governance.board.services import (
    board_recommend,
    board_sync,
    criteria_for,
    criterion_set,
    scores_save,
)
from governance.board.views import chosen_cycle
from governance.models import BudgetCycle
from governance.workflow import table
from kkdigital.lib.errors import ServiceError
from kkdigital.lib.http import no_store
from portfolio.permissions import get_case_for


def _board_url(cycle, case=None) -> str:
    url = reverse("governance:prioritisation") + f"?cycle={cycle.pk}"
    return url + (f"#case-{case.pk}" if case else "")


def _case_on_board(request, pk):
    if not can_use_board(request.user):
        raise PermissionDenied
    case = get_case_for(request.user, pk)
    board_sync(cycle=case.cycle)
    entry = BoardEntry.objects.filter(case=case).select_related("published_in").first()
    if entry is None:
        raise PermissionDenied
    return case, entry


@login_required
@no_store
def score_page(request, pk: int):
    """A director scores a case; the others' scores appear once their own are in."""
    case, entry = _case_on_board(request, pk)
    criteria = criteria_for(case.cycle)
    weights = {c.pk: c.weight for c in criteria}
    all_scores = list(
        Score.objects.filter(case=case)
        .select_related("director", "criterion")
        .order_by("director__first_name", "director_id", "criterion__position")
    )
    own = {s.criterion_id: s for s in all_scores if s.director_id == request.user.pk}
    may_score = case.state == "qualified"
    form = (
        ScoreForm(request.POST or None, criteria=criteria, initial_scores=own, prefix="score")
        if may_score
        else None
    )
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                scores_save(actor=request.user, case_pk=case.pk, values=form.values())
            except ServiceError as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(
                    request, _("Your scores of “%(title)s” are saved.") % {"title": case.title}
                )
                nxt = [c for c in queue_for(request.user, case.cycle) if c.pk != case.pk]
                if request.POST.get("next") == "queue" and nxt:
                    return redirect("governance:board-score", pk=nxt[0].pk)
                return redirect(_board_url(case.cycle, case))
        status = 400
    visible = sees_scores_of(request.user, bool(own))
    directors = {}
    if visible:
        for s in all_scores:
            directors.setdefault(s.director_id, {"director": s.director, "scores": {}})
            directors[s.director_id]["scores"][s.criterion_id] = s
        for d in directors.values():
            d["mean"] = weighted_mean(d["scores"].values(), weights)
    return render(
        request,
        "governance/board/score_page.html",
        {
            "case": case,
            "entry": entry,
            "criteria": criteria,
            "form": form,
            "sealed": not visible,
            "directors": list(directors.values()),
            "mean": weighted_mean(all_scores, weights) if visible else None,
            "disagreement": disagreements(all_scores, criteria) if visible else [],
            "queue": queue_for(request.user, case.cycle),
        },
        status=status,
    )


@login_required
@no_store
def recommend_page(request, pk: int):
    """Mark a case recommended or not recommended whatever its rank, with a reason."""
    case, entry = _case_on_board(request, pk)
    form = RecommendForm(
        request.POST or None,
        initial={"recommendation": entry.recommendation, "reason": entry.reason},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                board_recommend(
                    actor=request.user,
                    case_pk=case.pk,
                    recommendation=form.cleaned_data["recommendation"],
                    reason=form.cleaned_data["reason"],
                )
            except ServiceError as refusal:
                for field, errors in refusal.problems.items():
                    form.add_error(field if field in form.fields else None, errors)
                if not refusal.problems:
                    form.add_error(None, refusal.message)
            else:
                messages.success(
                    request,
                    _("The recommendation of “%(title)s” is saved.") % {"title": case.title},
                )
                return redirect(_board_url(case.cycle, case))
        status = 400
    return render(
        request,
        "governance/board/recommend_page.html",
        {
            "case": case,
            "entry": entry,
            "form": form,
        },
        status=status,
    )


@login_required
@no_store
def queue_page(request):
    """The cases the signed-in director has not scored yet, across departments."""
    if not can_use_board(request.user):
        raise PermissionDenied
    cycle = chosen_cycle(request.GET)
    board_sync(cycle=cycle)
    return render(
        request,
        "governance/board/queue_page.html",
        {
            "cycle": cycle,
            "cases": queue_for(request.user, cycle),
        },
    )


@login_required
@no_store
def publish_page(request, cycle_pk: int):
    """The secretariat confirms the publication after reading what is still open."""
    if not can_publish_board(request.user):
        raise PermissionDenied
    cycle = get_object_or_404(BudgetCycle, pk=cycle_pk)
    board = board_sync(cycle=cycle)
    state = board_state(request.user, cycle)
    form = PublishForm(request.POST or None, initial={"version": board.version})
    phase_open = table.step_open(cycle, "prioritise")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if not phase_open and not form.cleaned_data["override_reason"].strip():
                form.add_error("override_reason", _("Give a reason to act outside the phase."))
            else:
                try:
                    publication = board_publish(
                        actor=request.user,
                        cycle=cycle,
                        version=form.cleaned_data["version"],
                        override_reason=form.cleaned_data["override_reason"],
                    )
                except ServiceError as refusal:
                    form.add_error(None, refusal.message)
                else:
                    if publication.is_supplementary:
                        text = _("Supplementary round %(number)s is published.") % {
                            "number": publication.number
                        }
                    else:
                        text = _("The prioritisation is published.")
                    messages.success(request, text)
                    return redirect(_board_url(cycle))
        status = 400
    return render(
        request,
        "governance/board/publish_page.html",
        {
            "cycle": cycle,
            "form": form,
            "open": open_before_publishing(cycle, state.rows),
            "phase_open": phase_open,
            "state": state,
            "supplementary": cycle.board_publications.exists(),
        },
        status=status,
    )


@login_required
@no_store
def criteria_page(request, cycle_pk: int):
    """The secretariat names and weighs the cycle's criteria."""
    if not can_set_criteria(request.user):
        raise PermissionDenied
    cycle = get_object_or_404(BudgetCycle, pk=cycle_pk)
    criteria = criteria_for(cycle)
    forms_by_pk = {
        c.pk: CriterionForm(
            request.POST if request.POST.get("criterion") == str(c.pk) else None,
            prefix=f"c{c.pk}",
            initial={"name": c.name, "weight": c.weight, "description": c.description},
        )
        for c in criteria
    }
    new_form = CriterionForm(
        request.POST if request.POST.get("criterion") == "new" else None, prefix="new"
    )
    status = 200
    if request.method == "POST":
        key = request.POST.get("criterion")
        form = new_form if key == "new" else forms_by_pk.get(int(key) if str(key).isdigit() else 0)
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            criterion = None if key == "new" else get_object_or_404(Criterion, pk=key, cycle=cycle)
            try:
                criterion_set(
                    actor=request.user, cycle=cycle, criterion=criterion, **form.cleaned_data
                )
            except Exception as refusal:  # ValidationError from full_clean
                messages_ = getattr(refusal, "messages", None) or [str(refusal)]
                form.add_error(None, messages_)
            else:
                messages.success(request, _("The criteria are saved."))
                return redirect("governance:board-criteria", cycle_pk=cycle.pk)
        status = 400
    return render(
        request,
        "governance/board/criteria_page.html",
        {
            "cycle": cycle,
            "rows": [(c, forms_by_pk[c.pk]) for c in criteria],
            "new_form": new_form,
        },
        status=status,
    )


@login_required
@require_POST
def fund_case_view(request, pk: int):
    """Recommend what the cut line gives the case (partial funding), or clear it."""
    case, entry = _case_on_board(request, pk)
    try:
        board_fund_case(actor=request.user, case_pk=case.pk, clear=request.POST.get("clear") == "1")
    except ServiceError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("The recommended amounts of “%(title)s” are saved.") % {"title": case.title}
        )
    return redirect(_board_url(case.cycle, case))


@login_required
@require_POST
def fund_above_line_view(request, cycle_pk: int):
    """Recommend what fits for every case above the cut line, in rank order."""
    if not can_use_board(request.user):
        raise PermissionDenied
    cycle = get_object_or_404(BudgetCycle, pk=cycle_pk)
    try:
        funded = board_fund_above_line(actor=request.user, cycle=cycle)
    except ServiceError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s case got the recommended amounts the cut line gives it.",
                "%(n)s cases got the recommended amounts the cut line gives them.",
                funded,
            )
            % {"n": funded},
        )
    return redirect(_board_url(cycle))
