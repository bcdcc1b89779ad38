"""Ready-made strings for the board's rows, so that rendering 400 rows costs
little: the URLs are built from one reversed pattern each, the labels are
translated once per page."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portfolio.models import CaseScope, CaseState, CaseType

_PK = 987654321


def _pattern(name: str) -> str:
    return reverse(name, args=[_PK])


def present(rows) -> None:
    """Give every row its URLs and labels."""
    patterns = {
        "case": _pattern("portfolio:case-detail"),
        "score": _pattern("governance:board-score"),
        "recommend": _pattern("governance:board-recommend"),
        "fund": _pattern("governance:board-fund-case"),
    }
    scopes = {k: str(v) for k, v in CaseScope.choices}
    types = {k: str(v) for k, v in CaseType.choices}
    states = {k: str(v).lower() for k, v in CaseState.choices}
    scorers = {}  # "3 directors", translated once per number
    for row in rows:
        case = row.case
        pk = str(case.pk)
        row.url_case = patterns["case"].replace(str(_PK), pk)
        row.url_score = patterns["score"].replace(str(_PK), pk)
        row.url_recommend = patterns["recommend"].replace(str(_PK), pk)
        row.url_fund = patterns["fund"].replace(str(_PK), pk)
        codes = [case.department.code] + [
            d.code for d in case.board_departments if d.pk != case.department_id
        ]
        row.meta = " · ".join(
            (", ".join(codes), scopes.get(case.scope, ""), types.get(case.case_type, ""))
        )
        row.qualified = case.state == CaseState.QUALIFIED
        row.state_label = states.get(case.state, "")
        n = row.scorer_count
        if n not in scorers:
            scorers[n] = ngettext("%(n)s director", "%(n)s directors", n) % {"n": n}
        row.scorers = scorers[n]
        row.disagreement_names = ", ".join(c.name for c in row.disagreement)
        if row.published:
            row.published_label = _("Published in round %(n)s") % {
                "n": row.entry.published_in.number
            }
