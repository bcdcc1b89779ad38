"""What the board shows: the ranked entries with their scores (sealed), the
weighted means, the disagreement flags, the money and the cut line.

One function, ``board_state``, reads a cycle's board in a fixed number of
queries whatever the number of cases.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db.models import Count, F, Max, Min, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.board import money, permissions
from governance.board.cutline import BELOW, FITS, PARTIAL, case_statuses, cut_lines
from governance.board.models import (
    Board,
    BoardEntry,
    BoardPublication,
    BoardRecommendation,
    Criterion,
    Score,
)
from portfolio.models import CaseEconomyLine, CaseScope, CaseState, Department, InvestmentCase

DISAGREEMENT_SPREAD = 2
# The states of a case that is, or was, on a board.
BOARD_STATES = (
    CaseState.QUALIFIED,
    CaseState.PRIORITISED,
    CaseState.NOT_RECOMMENDED,
    CaseState.FORWARDED,
    CaseState.APPROVED,
    CaseState.REJECTED,
    CaseState.DEFERRED,
    CaseState.IN_PROGRESS,
    CaseState.COMPLETED,
)
# The states in which a case holds no money (as financing.selectors.INACTIVE_STATES).
INACTIVE_STATES = (
    CaseState.WITHDRAWN,
    CaseState.REJECTED,
    CaseState.NOT_RECOMMENDED,
    CaseState.DEFERRED,
)


class EconomyLine(NamedTuple):
    kind: str
    year: int | None
    amount: int


@dataclass
class DirectorScores:
    director: object
    by_criterion: dict[int, Score]
    weights: dict[int, int] | None = None  # None: the mean is not to be shown

    @property
    def mean(self) -> Decimal | None:
        if self.weights is None:
            return None
        return weighted_mean(self.by_criterion.values(), self.weights)


@dataclass
class Row:
    entry: "BoardEntryRow"
    case: "BoardCase"
    sealed: bool  # the user has not scored the case yet: the others' scores are hidden
    own_scored: bool
    # Each director's scores: read for the board's export only (``with_scores``).
    directors: list[DirectorScores] = field(default_factory=list)
    scorer_count: int = 0  # how many directors scored the case (0 while sealed)
    mean: Decimal | None = None
    disagreement: list[Criterion] = field(default_factory=list)
    allocations: list = field(default_factory=list)
    requested_by_year: dict = field(default_factory=dict)  # (channel id, year) → requested
    recommended_by_year: dict = field(default_factory=dict)
    line_status: str | None = None  # FITS / PARTIAL / BELOW / None (asks for no money)
    partial: list = field(default_factory=list)  # [(channel, year, fits)] where it straddles
    pool: object = None
    effective: str = ""  # the recommendation publishing will apply
    effective_reason: str = ""
    lines_after: list = field(default_factory=list)  # cut lines drawn right below this row
    year_cells: list = field(default_factory=list)
    partial_open: bool = False

    @property
    def published(self) -> bool:
        return self.entry.published_in_id is not None


@dataclass(slots=True)
class LightScore:
    """A score as the board reads it: plain values, no model instance (400 cases
    with six criteria and a handful of directors are thousands of scores)."""

    case_id: int
    director_id: int
    criterion_id: int
    value: int
    comment: str
    director: object = None


def light_scores(cycle) -> dict[int, list[LightScore]]:
    """The cycle's scores by case id, in two queries, each director's in name order."""
    from portfolio.models import User

    rows = list(
        Score.objects.filter(case__cycle=cycle).values_list(
            "case_id", "director_id", "criterion_id", "value", "comment"
        )
    )
    directors = {
        u.pk: u
        for u in User.objects.filter(pk__in={r[1] for r in rows}).order_by(
            "first_name", "last_name", "pk"
        )
    }
    order = {pk: i for i, pk in enumerate(directors)}
    scores = defaultdict(list)
    for row in sorted(rows, key=lambda r: (order[r[1]], r[2])):
        scores[row[0]].append(LightScore(*row, director=directors[row[1]]))
    return scores


def weighted_mean(scores, weights: dict[int, int]) -> Decimal | None:
    total = sum(weights.get(s.criterion_id, 1) * s.value for s in scores)
    weight = sum(weights.get(s.criterion_id, 1) for s in scores)
    return mean_of(total, weight)


def mean_of(total: int, weight: int) -> Decimal | None:
    """The weighted mean from its two sums (Σ weight × value, Σ weight), to one decimal."""
    if not weight:
        return None
    return (Decimal(total) / Decimal(weight)).quantize(Decimal("0.1"), ROUND_HALF_UP)


class ScoreSummary(NamedTuple):
    """One case's scores summed up by the database: what the board's row shows."""

    total: int  # Σ weight × value
    weight: int  # Σ weight
    directors: int  # how many directors scored it
    own: int  # how many of the scores are the user's


def score_summaries(cycle, user) -> dict[int, ScoreSummary]:
    """Per case id, its scores summed up in SQL (one row a case, not one a score): the
    board of 400 cases holds thousands of scores. ``weighted_mean`` over the scores and
    ``mean_of`` over these sums are the same number (a test holds them together)."""
    rows = (
        Score.objects.filter(case__cycle=cycle)
        .values("case_id")
        .annotate(
            total=Sum(F("value") * F("criterion__weight")),
            weight=Sum("criterion__weight"),
            directors=Count("director_id", distinct=True),
            own=Count("id", filter=Q(director_id=user.pk)),
        )
        .order_by()
        .values_list("case_id", "total", "weight", "directors", "own")
    )
    return {row[0]: ScoreSummary(*row[1:]) for row in rows}


def disagreement_pairs(cycle) -> dict[int, set[int]]:
    """Per case id, the criteria on which its directors' scores are 2 or more apart
    (``disagreements`` over one case's scores, for the whole cycle in one query)."""
    rows = (
        Score.objects.filter(case__cycle=cycle)
        .values("case_id", "criterion_id")
        .annotate(n=Count("id"), spread=Max("value") - Min("value"))
        .filter(n__gt=1, spread__gte=DISAGREEMENT_SPREAD)
        .order_by()
        .values_list("case_id", "criterion_id")
    )
    pairs = defaultdict(set)
    for case_id, criterion_id in rows:
        pairs[case_id].add(criterion_id)
    return pairs


def disagreements(scores, criteria) -> list[Criterion]:
    """The criteria on which the directors' scores are 2 or more apart."""
    values = defaultdict(list)
    for s in scores:
        values[s.criterion_id].append(s.value)
    return [
        c
        for c in criteria
        if len(values[c.pk]) > 1 and max(values[c.pk]) - min(values[c.pk]) >= DISAGREEMENT_SPREAD
    ]


def sees_scores_of(user, own_scored: bool) -> bool:
    """THE sealed-scoring rule: the secretariat reads all scores; a director reads the
    others' scores of a case only once they have scored it themselves."""
    return scores_visibility(user)(own_scored)


def scores_visibility(user) -> Callable[[bool], bool]:
    """``sees_scores_of`` for one user and many cases: the user's roles read once,
    then whether they have scored the case decides."""
    sees_all = permissions.sees_all_scores(user)
    return lambda own_scored: sees_all or own_scored


@dataclass
class Filters:
    channel: int | None = None
    department: int | None = None
    scope: str = ""
    theme: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.channel or self.department or self.scope or self.theme)


@dataclass
class BoardState:
    board: Board
    criteria: list[Criterion]
    rows: list[Row]
    all_count: int
    lines: dict
    totals: dict
    channels: list
    years: list[int]
    money: bool
    lines_before_first: list = field(default_factory=list)
    summary: list = field(default_factory=list)
    unscored_count: int = 0  # qualified cases the user has not scored (their queue)


@dataclass(slots=True, eq=False)
class BoardCase:
    """A case as the board reads it: the few fields a row shows, no model instance
    (a model instance per case, with its deferred long texts, cost a quarter of the
    board's time at 400 cases). ``department`` is the Department; the rest are values."""

    pk: int
    title: str
    note_code: str
    department_id: int
    cycle_id: int
    scope: str
    case_type: str
    state: str
    department: object = None
    board_departments: list = field(default_factory=list)  # participating, by code
    board_theme_ids: set = field(default_factory=set)

    def get_scope_display(self) -> str:
        return str(CaseScope(self.scope).label) if self.scope else ""

    def get_state_display(self) -> str:
        return str(CaseState(self.state).label)


@dataclass(slots=True, eq=False)
class BoardEntryRow:
    """A board entry as the board reads it (``BoardEntry``'s fields, plain values)."""

    pk: int
    cycle_id: int
    case_id: int
    rank: int
    recommendation: str
    reason: str
    published_in_id: int | None
    case: BoardCase = None
    published_in: object = None

    def get_recommendation_display(self) -> str:
        return str(BoardRecommendation(self.recommendation).label) if self.recommendation else ""


_ENTRY_FIELDS = ("id", "cycle_id", "case_id", "rank", "recommendation", "reason", "published_in_id")
# What the board reads of a case; the rest (the long texts above all) stays in the database.
_CASE_FIELDS = tuple(
    f"case__{name}"
    for name in ("title", "note_code", "department_id", "cycle_id", "scope", "case_type", "state")
)


def _entries(cycle, departments=None) -> list[BoardEntryRow]:
    """The cycle's board entries in rank order, each with its case (``BoardCase``):
    ``board_departments`` (participating departments besides its own, by code) and
    ``board_theme_ids``. Read as values, and the links as id pairs; ``departments``
    all departments, if the caller has read them."""
    if departments is None:
        departments = Department.objects.all()
    departments = {d.pk: d for d in departments}
    publications = {p.pk: p for p in BoardPublication.objects.filter(cycle=cycle)}
    entries = []
    by_case = {}
    for values in (
        BoardEntry.objects.filter(cycle=cycle)
        .order_by("rank")
        .values_list(*_ENTRY_FIELDS, *_CASE_FIELDS)
    ):
        entry = BoardEntryRow(*values[:7])
        case = BoardCase(entry.case_id, *values[7:])
        case.department = departments[case.department_id]
        entry.case = case
        if entry.published_in_id is not None:
            entry.published_in = publications[entry.published_in_id]
        entries.append(entry)
        by_case[case.pk] = case
    links = InvestmentCase.participating_departments.through.objects.filter(
        investmentcase__board_entry__cycle=cycle
    ).values_list("investmentcase_id", "department_id")
    for case_id, department_id in links:
        by_case[case_id].board_departments.append(departments[department_id])
    for case in by_case.values():
        if len(case.board_departments) > 1:
            case.board_departments.sort(key=lambda d: d.code)
    for case_id, theme_id in InvestmentCase.themes.through.objects.filter(
        investmentcase__board_entry__cycle=cycle
    ).values_list("investmentcase_id", "theme_id"):
        by_case[case_id].board_theme_ids.add(theme_id)
    return entries


def board_state(
    user,
    cycle,
    filters: Filters | None = None,
    *,
    with_scores=False,
    board=None,
    channels=None,
    departments=None,
) -> BoardState:
    """The whole board of ``cycle`` as ``user`` may see it. The page reads each case's
    scores summed up (mean, how many scored, disagreement); ``with_scores`` also gives
    every row its directors' scores one by one (the export). What the caller has
    already read need not be read again: the cycle's ``board`` (as ``board_sync``
    returns it), the ``channels`` (as ``money.channels()``), all ``departments``."""
    from governance.board.services import board_for, criteria_for

    filters = filters or Filters()
    if board is None:
        board = board_for(cycle)
    criteria = criteria_for(cycle)
    weights = {c.pk: c.weight for c in criteria}
    entries = _entries(cycle, departments)
    summaries = score_summaries(cycle, user)
    flagged = disagreement_pairs(cycle)
    scores = light_scores(cycle) if with_scores else {}

    if channels is None:
        channels = money.channels()
    all_channels = {c.pk: c for c in channels}
    case_ids = [e.case_id for e in entries]
    allocations = money.board_allocations(cycle, case_ids, all_channels) if entries else {}
    totals = money.channel_year_totals(cycle, channels)
    # Cases marked not recommended, or that no longer hold money, count nothing.
    excluded = {
        e.case_id
        for e in entries
        if e.recommendation == BoardRecommendation.NOT_RECOMMENDED
        or e.case.state in INACTIVE_STATES
    }
    lines = cut_lines(
        money.cut_cases(entries, allocations, excluded),
        money.capacities(totals, entries, allocations, excluded),
    )
    channels = all_channels if (totals or allocations) else {}
    rules = money.pool_rules(cycle) if allocations else None
    # The pool's verdict reads the economy lines' kind, year and amount, as tuples, of
    # the cases that ask the pool only.
    pool_channels = {pk for pk, c in all_channels.items() if getattr(c, "kind", "") == "pool"}
    pool_case_ids = {
        case_id
        for case_id, case_allocations in allocations.items()
        if any(a.channel_id in pool_channels for a in case_allocations)
    }
    pool_lines = defaultdict(list)
    if pool_case_ids:
        # Each case's lines in the model's order, without its join to the case for
        # the cases' own order (which the grouping here does not need).
        for case_id, *line in (
            CaseEconomyLine.objects.filter(case_id__in=pool_case_ids)
            .order_by("kind", F("year").asc(nulls_last=True))
            .values_list("case_id", "kind", "year", "amount")
        ):
            pool_lines[case_id].append(EconomyLine(*line))
    # Where each case is below (or straddles) a line, for the reason publishing gives.
    short_of = defaultdict(list)
    straddling = defaultdict(list)
    for line in lines.values():
        for case_id, status in line.status.items():
            if status in (BELOW, PARTIAL):
                short_of[case_id].append(line)
        if line.straddling_case_id is not None and (
            line.status.get(line.straddling_case_id) == PARTIAL
        ):
            straddling[line.straddling_case_id].append(line)

    rows = []
    no_summary = ScoreSummary(0, 0, 0, 0)
    texts = reason_texts()
    sees_scores = scores_visibility(user)
    statuses = case_statuses(lines)
    for entry in entries:
        case = entry.case
        case_id = entry.case_id
        summary = summaries.get(case_id, no_summary)
        own_scored = summary.own > 0
        visible = sees_scores(own_scored)
        row = Row(entry=entry, case=case, sealed=not visible, own_scored=own_scored)
        if visible:
            # The mean and the flag would give the others' scores away while sealed.
            row.scorer_count = summary.directors
            row.mean = mean_of(summary.total, summary.weight)
            if case_id in flagged:
                row.disagreement = [c for c in criteria if c.pk in flagged[case_id]]
            if with_scores:
                by_director = defaultdict(list)
                for s in scores.get(case_id, ()):
                    by_director[s.director_id].append(s)
                row.directors = [
                    DirectorScores(
                        director=group[0].director,
                        by_criterion={s.criterion_id: s for s in group},
                        weights=weights,
                    )
                    for group in by_director.values()
                ]
        row.allocations = allocations.get(case_id, [])
        requested_by_year, recommended_by_year = row.requested_by_year, row.recommended_by_year
        for a in row.allocations:
            key = (a.channel_id, a.year)
            requested_by_year[key] = requested_by_year.get(key, 0) + (a.requested or 0)
            if a.recommended is not None:
                recommended_by_year[key] = recommended_by_year.get(key, 0) + a.recommended
        row.line_status = statuses.get(case_id)
        row.partial = [
            (channels.get(line.key[0]), line.key[1], line.straddling_fits)
            for line in straddling.get(case_id, ())
        ]
        # Partial funding still to give: the part that fits is not yet recommended.
        row.partial_open = any(
            recommended_by_year.get((channel.pk if channel else None, year)) != fits
            for channel, year, fits in row.partial
        )
        if case_id in pool_case_ids:
            row.pool = money.pool_result(
                case, rules, allocations=row.allocations, lines=pool_lines[case_id]
            )
        row.effective, row.effective_reason = effective_recommendation(
            entry, row, short_of.get(case_id, ()), channels, texts
        )
        rows.append(row)

    # Each channel-year's line is drawn below the last case that fits in full.
    by_case = {row.case.pk: row for row in rows}
    first_row = []
    for line in sorted(lines.values(), key=lambda ln: (ln.key[1], ln.key[0])):
        if not line.runs_out:
            continue
        label = (channels.get(line.key[0]), line.key[1], line)
        if line.last_fitting_case_id is None:
            first_row.append(label)
        else:
            by_case[line.last_fitting_case_id].lines_after.append(label)

    visible_rows = [row for row in rows if _matches(row, filters)]
    years = sorted({key[1] for key in lines} | {key[1] for key in totals}) or cycle.out_years
    ranks = {row.case.pk: row.entry.rank for row in rows}
    shorts = defaultdict(str, {pk: short_name(channel) for pk, channel in channels.items()})
    for row in visible_rows:
        row.year_cells = _year_cells(row, years, lines, channels, shorts)
    state = BoardState(
        board=board,
        criteria=criteria,
        rows=visible_rows,
        all_count=len(rows),
        lines=lines,
        totals=totals,
        channels=list(channels.values()),
        years=years,
        money=bool(totals or allocations),
    )
    state.lines_before_first = first_row
    state.unscored_count = sum(
        1 for row in rows if row.case.state == CaseState.QUALIFIED and not row.own_scored
    )
    state.summary = _summary(years, lines, totals, channels, ranks)
    return state


SHORT_NAMES = {
    "frame": gettext_lazy("Frame"),
    "loan": gettext_lazy("Loan"),
    "pool": gettext_lazy("Pool"),
}


def short_name(channel) -> str:
    return str(SHORT_NAMES.get(getattr(channel, "kind", ""), channel))


def _year_cells(row, years, lines, channels, shorts):
    """The row's amounts per year of the board, each with its place at the cut line."""
    by_year = {year: [] for year in years}
    case_id = row.case.pk
    recommended = row.recommended_by_year
    for key, requested in sorted(row.requested_by_year.items()):
        items = by_year.get(key[1])
        if items is None:
            continue
        line = lines.get(key)
        items.append(
            {
                "channel": channels.get(key[0]),
                "short": shorts[key[0]],
                "requested": requested,
                "recommended": recommended.get(key),
                "status": line.status.get(case_id) if line else None,
                "fits": line.straddling_fits
                if line and line.straddling_case_id == case_id
                else None,
            }
        )
    return [{"year": year, "items": items} for year, items in by_year.items()]


def _summary(years, lines, totals, channels, ranks):
    """Per channel and year: the financing overview's numbers and where the line falls."""
    result = []
    for channel_id, channel in channels.items():
        cells = []
        for year in years:
            row = totals.get((channel_id, year))
            line = lines.get((channel_id, year))
            cells.append(
                {
                    "year": year,
                    "capacity": getattr(row, "capacity", None),
                    "requested": getattr(row, "requested", None),
                    "recommended": getattr(row, "recommended", None),
                    "remaining": getattr(row, "remaining", None),
                    "counted": line.total if line else 0,
                    "runs_out": bool(line and line.runs_out),
                    "after_rank": ranks.get(line.last_fitting_case_id)
                    if line and line.runs_out
                    else None,
                }
            )
        result.append({"channel": channel, "short": short_name(channel), "cells": cells})
    return result


def reason_texts() -> dict[str, str]:
    """The reasons ``effective_recommendation`` gives, translated once for a whole board."""
    return {
        "below": _(
            "Below the cut line: the capacity of %(where)s does not reach the case at rank "
            "%(rank)s."
        ),
        "recommended": _("Recommended by the IT directors' circle at rank %(rank)s."),
    }


def effective_recommendation(entry, row, short_of, channels, texts=None) -> tuple[str, str]:
    """What publishing will make of the case, and the reason the department reads:
    the circle's explicit mark if any, else the cut line (``short_of``: the lines the
    case is below or straddles; ``texts``: ``reason_texts()``)."""
    if entry.recommendation:
        return entry.recommendation, entry.reason
    texts = texts or reason_texts()
    if row.line_status == BELOW or (row.line_status == PARTIAL and not row.recommended_by_year):
        below = [f"{channels.get(line.key[0]) or ''} {line.key[1]}" for line in short_of]
        return BoardRecommendation.NOT_RECOMMENDED, texts["below"] % {
            "where": ", ".join(sorted(below)),
            "rank": entry.rank,
        }
    if row.line_status in (FITS, PARTIAL, None):
        return BoardRecommendation.RECOMMENDED, texts["recommended"] % {"rank": entry.rank}
    return "", ""


def _matches(row: Row, filters: Filters) -> bool:
    case = row.case
    if filters.department and not (
        case.department_id == filters.department
        or any(d.pk == filters.department for d in case.board_departments)
    ):
        return False
    if filters.scope and case.scope != filters.scope:
        return False
    if filters.theme and filters.theme not in case.board_theme_ids:
        return False
    if filters.channel and not any(a.channel_id == filters.channel for a in row.allocations):
        return False
    return True


def queue_for(user, cycle) -> list[InvestmentCase]:
    """The qualified cases of the cycle the user has not scored yet, across departments."""
    return list(
        InvestmentCase.objects.filter(cycle=cycle, state=CaseState.QUALIFIED)
        .exclude(board_scores__director=user)
        .select_related("department", "board_entry")
        .order_by("board_entry__rank", "pk")
    )


def open_before_publishing(cycle, rows: list[Row]) -> dict:
    """What is still open when the secretariat publishes: cases submitted but not
    qualified, qualified but not scored, and what the unmarked cases will become."""
    submitted = list(
        InvestmentCase.objects.filter(
            cycle=cycle, state__in=(CaseState.SUBMITTED, CaseState.RETURNED)
        )
        .select_related("department")
        .order_by("title")
    )
    scored = set(
        Score.objects.filter(case__cycle=cycle).values_list("case_id", flat=True).distinct()
    )
    pending = [row for row in rows if not row.published and row.case.state == CaseState.QUALIFIED]
    return {
        "submitted": submitted,
        "unscored": [row for row in pending if row.case.pk not in scored],
        "unmarked": [row for row in pending if not row.entry.recommendation],
        "pending": pending,
    }


@dataclass
class CaseBoardSummary:
    """The board's word on one case, for the case page (same names as the old assessment)."""

    rank: int
    score: Decimal | None
    recommendation: str
    reason: str

    def get_recommendation_display(self) -> str:
        return str(BoardRecommendation(self.recommendation).label) if self.recommendation else ""


def case_board_summary(user, case) -> CaseBoardSummary | None:
    """What ``user`` may read of the board about ``case``: the circle and the secretariat
    the rank, the mean (if not sealed for them) and the mark; the case's readers the
    rank, mean and outcome with its reason once the case is published."""
    on_board = permissions.can_use_board(user)
    if case.state not in BOARD_STATES or (not on_board and case.state == CaseState.QUALIFIED):
        return None  # not on a board yet, or nothing published: no query
    entry = BoardEntry.objects.filter(case=case).select_related("published_in").first()
    if entry is None:
        return None
    if not on_board and entry.published_in_id is None:
        return None
    scores = list(Score.objects.filter(case=case))
    weights = dict(Criterion.objects.filter(cycle_id=entry.cycle_id).values_list("pk", "weight"))
    own = any(s.director_id == user.pk for s in scores)
    visible = entry.published_in_id is not None or sees_scores_of(user, own)
    recommendation, reason = entry.recommendation, entry.reason
    if entry.published_in_id is not None:
        # What was published is what the case's timeline says.
        recommendation = (
            BoardRecommendation.RECOMMENDED
            if case.state != CaseState.NOT_RECOMMENDED
            else BoardRecommendation.NOT_RECOMMENDED
        )
        last = (
            case.transitions.filter(to_state__in=(CaseState.PRIORITISED, CaseState.NOT_RECOMMENDED))
            .order_by("-created_at", "-pk")
            .first()
        )
        reason = last.comment if last else reason
    return CaseBoardSummary(
        rank=entry.rank,
        score=weighted_mean(scores, weights) if visible else None,
        recommendation=recommendation,
        reason=reason,
    )
