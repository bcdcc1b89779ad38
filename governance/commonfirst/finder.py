""" "Fælles først", checked: similar cases of other departments in this or the previous cycle.

On PostgreSQL: trigram similarity of the titles (pg_trgm) or a full-text match
of the title's words in the other case's title and summary (Danish
configuration, title weighted above summary). On SQLite, where neither
exists, a simpler check in Python: the titles' likeness (difflib) or the
share of their words in common (by their first five letters, a crude stem).

Only cases their departments have sent on are compared: another department's
drafts are its own.
"""

import difflib
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from portfolio.models import CaseState, InvestmentCase

# Tuned on the demo's titles: near-duplicates score 0.4–0.85, unrelated cases below 0.25.
TRIGRAM_MIN = 0.35
RANK_MIN = 0.25
RATIO_MIN = 0.6
OVERLAP_MIN = 0.5
MAX_RESULTS = 5
WORD = re.compile(r"\w+")
# Short and common words say nothing about what a case is about.
STOP_WORDS = {"digital", "digitale", "fælles", "nyt", "nye", "system", "kommune", "kommunens"}


@dataclass(frozen=True)
class Match:
    case: InvestmentCase
    score: float


def candidates(case):
    years = [case.cycle.budget_year, case.cycle.budget_year - 1]
    return (
        InvestmentCase.objects.filter(cycle__budget_year__in=years)
        .exclude(department_id=case.department_id)
        .exclude(pk=case.pk)
        .exclude(state__in=(CaseState.DRAFT, CaseState.WITHDRAWN))
        .select_related("department", "cycle")
    )


def similar_cases(case, limit: int = MAX_RESULTS) -> list[Match]:
    """The most similar cases of other departments, best first."""
    if not case.title.strip():
        return []
    if connection.vendor == "postgresql":
        return _postgres(case, limit)
    return _fallback(case, limit)


def _query_words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if len(w) > 2 and not w.isdigit()]


def _postgres(case, limit):
    from django.contrib.postgres.search import (
        SearchQuery,
        SearchRank,
        SearchVector,
        TrigramSimilarity,
    )
    from django.db.models.functions import Greatest

    words = _query_words(case.title)
    vector = SearchVector("title", weight="A", config="danish") + SearchVector(
        "summary", weight="B", config="danish"
    )
    queryset = candidates(case).annotate(title_sim=TrigramSimilarity("title", case.title))
    condition = Q(title_sim__gte=TRIGRAM_MIN)
    # What the indexes of portfolio's migration 0008 answer, so that only the cases
    # found are scored: a title similar by pg_trgm's threshold (0,3, below
    # TRIGRAM_MIN) or a document with one of the title's words.
    found = Q(title__trigram_similar=case.title)
    if words:
        # Words joined by OR, each quoted, so no character of the title is read as an operator.
        query = SearchQuery(
            " | ".join("'" + w.replace("'", "") + "'" for w in words),
            search_type="raw",
            config="danish",
        )
        queryset = queryset.annotate(document=vector, rank=SearchRank(vector, query))
        found |= Q(document=query)
        condition |= Q(rank__gte=RANK_MIN)
        queryset = queryset.annotate(score=Greatest("title_sim", "rank"))
    else:
        queryset = queryset.annotate(score="title_sim")
    rows = queryset.filter(found).filter(condition).order_by("-score", "pk")[:limit]
    return [Match(case=row, score=float(row.score)) for row in rows]


def _stems(text: str) -> set[str]:
    return {w[:5] for w in _query_words(text) if len(w) >= 4 and w not in STOP_WORDS}


def _fallback(case, limit):
    title = case.title.lower()
    stems = _stems(case.title)
    matches = []
    for other in candidates(case).only("title", "department", "cycle", "state"):
        ratio = difflib.SequenceMatcher(None, title, other.title.lower()).ratio()
        other_stems = _stems(other.title)
        overlap = (
            len(stems & other_stems) / len(stems | other_stems) if stems and other_stems else 0
        )
        score = max(ratio, overlap)
        if ratio >= RATIO_MIN or overlap >= OVERLAP_MIN:
            matches.append(Match(case=other, score=score))
    matches.sort(key=lambda m: (-m.score, m.case.pk))
    return matches[:limit]
