"""The read pages of the portfolio: the case list, the case page and the department plans.

Every page reads cases through ``InvestmentCase.objects.visible_to`` (or
``get_case_for``), and runs a fixed number of queries however many cases,
lines and history rows there are.
"""

import html

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, Prefetch, Subquery
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from kkdigital.lib.errors import ServiceError
from kkdigital.lib.money import format_thousands
from strategy.models import Principle, Theme

from ..case_page import case_page_context
from ..economy import EconomyTable, converted_lines
from ..filters import (
    DEFAULT_SORT,
    CaseFilterForm,
    narrow_cases,
    order_cases,
    with_total_investment,
)
from ..models import (
    CaseEconomyLine,
    CasePrinciple,
    CaseState,
    CaseType,
    Department,
    InvestmentCase,
    User,
)
from ..permissions import (
    can_create_case,
    can_edit_case,
    get_case_for,
    is_department_user,
    is_secretariat,
)
from ..plan_rows import PlanRows
from ..templatetags.cases import state_badge
from ..timeline import build_timeline, group_timeline

# The cycle model belongs to governance, which portfolio does not import.
BudgetCycle = InvestmentCase._meta.get_field("cycle").related_model

CASES_PER_PAGE = 25

# The columns of the case list; those with a sort key sort by a click on the header.
LIST_COLUMNS = [
    ("title", _("Title")),
    ("department", _("Department")),
    (None, _("Type")),
    ("state", _("State")),
    ("investment", _("Investment")),
    ("updated", _("Updated")),
]

# What a row of the case list shows: the long texts stay in the database. The
# department and the cycle come from the filter's rows (``_list_rows``).
LIST_FIELDS = ("title", "case_type", "state", "updated_at", "department", "cycle")

# Labels of the completeness problems that are not model fields.
PROBLEM_LABELS = {
    "themes": _("Themes"),
    "principles": _("Principles"),
    "potentials": _("Potentials"),
    "economy": _("Economy"),
    "participating_departments": _("Participating departments"),
}


def _visible_cases(user):
    """The cases ``user`` may read (``visible_to`` joins nothing, so each case comes once)."""
    return InvestmentCase.objects.visible_to(user)


def _list_headers(current: str) -> list[dict]:
    headers = []
    for key, label in LIST_COLUMNS:
        if key is None:
            headers.append({"key": None, "label": label})
            continue
        if current == key:
            state, next_sort = "ascending", f"-{key}"
        elif current == f"-{key}":
            state, next_sort = "descending", key
        else:
            # Dates and money are read largest or newest first.
            state = "none"
            next_sort = f"-{key}" if key in ("updated", "investment") else key
        headers.append({"key": key, "label": label, "aria_sort": state, "next": next_sort})
    return headers


# One row of the case list. Written here rather than in the template: through the
# template language its dozen lookups and escapes per row were a fifth of the page's
# work. Every value is escaped (``_list_rows``) as the template would escape it.
LIST_ROW = """
          <tr>
            <td data-title="{title_label}"><a href="{url}">{title}</a><br><span class="small-text">{cycle}</span></td>
            <td data-title="{department_label}"><abbr title="{department_name}">{department_code}</abbr></td>
            <td data-title="{type_label}">{case_type}</td>
            <td data-title="{state_label}"><span class="badge {badge}">{state}</span></td>
            <td class="align-text-right" data-title="{investment_label}">{investment}</td>
            <td data-title="{updated_label}">{updated}</td>
          </tr>"""  # noqa: E501


def _list_rows(cases, departments, cycles) -> list[str]:
    """The rows of the case list as HTML, one string a case.

    What is the same on many rows is translated and escaped once per page (the
    column names each cell repeats for the stacked table on narrow screens, the
    state and type labels, the departments, the cycle, the date of a day); the case
    URLs are built from one reversed URL, not reversed per row. Each case's
    department and cycle are taken from ``departments`` and ``cycles`` (the
    filter's rows), else read. The text is escaped as ``escape`` escapes it, with
    the standard library's ``html.escape`` that it calls.
    """
    states = {value: escape(str(label)) for value, label in CaseState.choices}
    badges = {value: escape(state_badge(value)) for value in CaseState.values}
    types = {value: escape(str(label)) for value, label in CaseType.choices}
    labels = {f"{key or 'type'}_label": escape(str(label)) for key, label in LIST_COLUMNS}
    case_url = _case_url_builder()
    department_cells = {d.pk: (html.escape(d.code), html.escape(d.name)) for d in departments}
    cycles = {cycle.pk: cycle for cycle in cycles}
    cycle_names = {}
    here = get_current_timezone()
    dates = {}
    rows = []
    for case in cases:
        if case.cycle_id not in cycle_names:
            cycle_names[case.cycle_id] = escape(str(cycles.get(case.cycle_id) or case.cycle))
        if case.department_id not in department_cells:
            department = case.department
            department_cells[department.pk] = (
                html.escape(department.code),
                html.escape(department.name),
            )
        department_code, department_name = department_cells[case.department_id]
        day = case.updated_at.astimezone(here).date()
        if day not in dates:
            dates[day] = escape(date_format(day, "SHORT_DATE_FORMAT"))
        row = LIST_ROW.format(
            url=html.escape(case_url(case.pk)),
            title=html.escape(case.title),
            cycle=cycle_names[case.cycle_id],
            department_code=department_code,
            department_name=department_name,
            case_type=types.get(case.case_type) or html.escape(case.case_type),
            badge=badges.get(case.state) or escape(state_badge(case.state)),
            state=states.get(case.state) or html.escape(case.state),
            investment=html.escape(format_thousands(case.total_investment)),
            updated=dates[day],
            **labels,
        )
        rows.append(mark_safe(row))  # noqa: S308 - every value above is escaped
    return rows


class _ListPaginator(Paginator):
    """Pages of the case list, counted on ``counted``: the same cases without the
    investment sums and the order, whose count Django writes and runs more simply.
    A count already known (read with the page's rows, ``_page_with_count``) is used."""

    def __init__(self, object_list, per_page, *, counted, known_count=None):
        super().__init__(object_list, per_page)
        self.counted = counted
        self.known_count = known_count

    @cached_property
    def count(self):
        if self.known_count is not None:
            return self.known_count
        return self.counted.count()


class _CountOf(Subquery):
    """``(SELECT COUNT(*) FROM (<the cases>))``: how many cases a query finds, as a
    column of another query. It refers to nothing outside, so the database counts
    once per statement, not once per row."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) kk_counted)"
    output_field = IntegerField()


def _page_with_count(cases, counted, wanted):
    """The page ``wanted`` of ``cases`` with the number of ``counted``, in one query.

    The paginator counts first and reads the page after: two round trips. Here the
    page asked for is read with the count as a column; when it turns out empty
    (no cases, or a page past the last) the paginator counts and picks the page
    as before (then, on a stale link past the last page, one query more than the
    paginator alone). Returns (paginator, page); the page is the one
    ``Paginator.get_page`` gives, with the same rows.
    """
    try:
        number = int(wanted) if wanted is not None else 1
    except (TypeError, ValueError):
        number = 1
    rows = []
    if number >= 1:
        bottom = (number - 1) * CASES_PER_PAGE
        with_count = cases.annotate(kk_count=_CountOf(counted.order_by().values("pk")))
        rows = list(with_count[bottom : bottom + CASES_PER_PAGE])
    if rows:
        known = rows[0].kk_count
    elif number == 1:
        known = 0
    else:
        known = None
    paginator = _ListPaginator(cases, CASES_PER_PAGE, counted=counted, known_count=known)
    page = paginator.get_page(wanted)
    if rows and page.number == number:
        page.object_list = rows
    return paginator, page


def _case_url_builder():
    """A function pk → the case page's URL, equal to ``case.get_absolute_url()``.

    One ``reverse`` per page (with a stand-in key, cut off again) instead of one per row.
    """
    stand_in = 1234567890
    pattern = reverse("portfolio:case-detail", args=[stand_in])
    before, _marker, after = pattern.partition(str(stand_in))
    return lambda pk: f"{before}{pk}{after}"


def _take_department_from_rows(user, departments) -> None:
    """Give ``user`` their department from the filter's rows, which are read anyway:
    the view and the page's header then ask the database for it no more."""
    if user.department_id is None or User.department.is_cached(user):
        return
    for department in departments:
        if department.pk == user.department_id:
            user.department = department
            return


@login_required
def case_list(request):
    """The cases the user may read, filtered, searched, sorted and paged.

    A department user starts on their own department's cases ("Mine sager");
    choosing "All departments" sends an empty department and shows every case
    they may read.
    """
    user = request.user
    data = request.GET.copy()
    # The form reads ``data`` when it is validated, after the default department is set.
    form = CaseFilterForm(data)
    # The filter's options, which the page shows anyway, also name each row's
    # department and cycle: the rows are read without joining them.
    departments = form.fields["department"].rows()
    cycles = form.fields["cycle"].rows()
    _take_department_from_rows(user, departments)
    own_department = user.department if is_department_user(user) else None
    if own_department is not None and "department" not in data:
        data["department"] = own_department.code
    form.is_valid()
    # With an invalid field the others still filter; the error shows next to it.
    criteria = form.cleaned_data
    if criteria.get("department"):
        visible = InvestmentCase.objects.visible_in_department(user, criteria["department"])
        narrowed = narrow_cases(visible, {**criteria, "department": None})
    else:
        narrowed = narrow_cases(_visible_cases(user), criteria)
    cases = order_cases(with_total_investment(narrowed.only(*LIST_FIELDS)), criteria)
    _paginator, page = _page_with_count(cases, narrowed, request.GET.get("page"))
    rows = _list_rows(page, departments, cycles)
    current_sort = criteria.get("sort") or DEFAULT_SORT
    showing_own = own_department is not None and criteria.get("department") == own_department
    return render(
        request,
        "portfolio/case_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "headers": _list_headers(current_sort),
            "own_department": own_department,
            "create_url": reverse("portfolio:case-create") if can_create_case(user) else None,
            "showing_own": showing_own,
        },
    )


@never_cache
@login_required
def case_detail(request, pk):
    """Everything about one case, its economy and its timeline."""
    queryset = InvestmentCase.objects.select_related(
        "department", "cycle", "created_by", "carried_over_from"
    ).prefetch_related(
        Prefetch("themes", queryset=Theme.objects.prefetch_related("goals")),
        "potentials",
        "participating_departments",
        Prefetch("principle_links", queryset=CasePrinciple.objects.select_related("principle")),
        "economy_lines",
    )
    case = get_case_for(request.user, pk, queryset=queryset)
    may_edit = can_edit_case(request.user, case)
    problems = []
    if may_edit:
        labels = {f.name: f.verbose_name for f in InvestmentCase._meta.fields}
        labels.update(PROBLEM_LABELS)
        problems = [
            {"label": labels.get(name, name), "messages": messages}
            for name, messages in case.submission_problems().items()
        ]
    context = {
        "case": case,
        "economy": EconomyTable.for_case(case),
        "timeline": group_timeline(build_timeline(case)),
        "edit_url": reverse("portfolio:case-edit", args=[case.pk]) if may_edit else None,
        "problems": problems,
    }
    # The workflow's buttons, return notice, assessment and decisions.
    context.update(case_page_context(request.user, case))
    return render(request, "portfolio/case_detail.html", context)


# The totals of a department plan, by how far the cases have come: never one
# sum of drafts and approved cases. Cases that stopped (not recommended,
# rejected, deferred) are listed with the others but are in neither total.
PLAN_TOTALS = (
    (
        "pipeline",
        _("In the pipeline"),
        _("not decided yet"),
        (
            CaseState.DRAFT,
            CaseState.SUBMITTED,
            CaseState.RETURNED,
            CaseState.QUALIFIED,
            CaseState.PRIORITISED,
            CaseState.FORWARDED,
        ),
    ),
    (
        "approved",
        _("Approved"),
        _("approved by the Economic Committee"),
        (CaseState.APPROVED, CaseState.IN_PROGRESS, CaseState.COMPLETED),
    ),
)


def _plan_lines(cycle, cases, lines_by_case, price_years):
    """The cases' economy lines in the cycle's price level: every sum across cases is
    converted line by line by the one conversion (financing.prices.convert)."""
    try:
        return converted_lines(cases, cycle.budget_year, lines_by_case), cycle.budget_year
    except ServiceError:
        # A price index is missing: show the lines as entered, without one p/l.
        lines = [line for case in cases for line in lines_by_case.get(case.pk, ())]
        return lines, price_years[0] if len(price_years) == 1 else None


def plan_totals(cycle, cases, lines_by_case) -> tuple[list[dict], list]:
    """The economy of each state group of the plan, and the cases in no group."""
    groups = []
    grouped = set()
    for key, label, meaning, states in PLAN_TOTALS:
        members = [case for case in cases if case.state in states]
        grouped.update(case.pk for case in members)
        price_years = sorted({case.price_year for case in members})
        lines, plan_price_year = _plan_lines(cycle, members, lines_by_case, price_years)
        groups.append(
            {
                "key": key,
                "label": label,
                "meaning": meaning,
                "states": [CaseState(state).label for state in states],
                "case_count": len(members),
                "price_years": price_years,
                "economy": EconomyTable(cycle.out_years, lines, price_year=plan_price_year),
            }
        )
    return groups, [case for case in cases if case.pk not in grouped]


def _economy_lines(case_ids) -> dict[int, list[tuple]]:
    """The cases' economy lines as ``(kind, year, amount, styringsomraade)``, by case id,
    in one query and without a model row per line."""
    lines: dict[int, list[tuple]] = {pk: [] for pk in case_ids}
    for case_id, *line in (
        CaseEconomyLine.objects.filter(case_id__in=case_ids)
        .order_by()
        .values_list("case_id", "kind", "year", "amount", "styringsomraade")
    ):
        lines[case_id].append(tuple(line))
    return lines


@login_required
def department_plan(request, department_code, budget_year):
    """A department's IT investment plan for one cycle (forvaltningsspecifik it-investeringsplan).

    The department's own users see all its cases; everyone else sees the
    cases of it they may read. Withdrawn cases are not part of a plan. A fixed
    number of queries, whatever the number of cases and lines.
    """
    department = get_object_or_404(Department, code=department_code)
    cycle = get_object_or_404(BudgetCycle, budget_year=budget_year)
    # Who may read which case is asked of the department's cases of the cycle only.
    readable = InvestmentCase.objects.filter(department=department, cycle=cycle).visible_to(
        request.user
    )
    cases = list(
        InvestmentCase.objects.filter(pk__in=readable.values("pk"))
        .exclude(state=CaseState.WITHDRAWN)
        .only("pk", "title", "state", "case_type", "price_year")
        .order_by("title", "pk")
    )
    ids = [case.pk for case in cases]
    lines_by_case = _economy_lines(ids)
    plan_rows = PlanRows(cycle)
    rows = [plan_rows.row(case, lines_by_case[case.pk]) for case in cases]
    investments = [r for r in rows if r["case"].case_type != CaseType.RETENDER]
    groups = [
        {"label": label, "rows": [r for r in investments if r["case"].case_type == value]}
        for value, label in CaseType.choices
        if value != CaseType.RETENDER
    ]
    retendering = [r for r in rows if r["case"].case_type == CaseType.RETENDER]

    totals, outside_totals = plan_totals(cycle, cases, lines_by_case)
    theme_counts = dict(
        InvestmentCase.themes.through.objects.filter(investmentcase_id__in=ids)
        .order_by()
        .values_list("theme_id")
        .annotate(n=Count("pk"))
    )
    principle_counts = dict(
        CasePrinciple.objects.filter(case_id__in=ids)
        .exclude(justification="")
        .order_by()
        .values_list("principle_id")
        .annotate(n=Count("pk"))
    )
    return render(
        request,
        "portfolio/department_plan.html",
        {
            "department": department,
            "cycle": cycle,
            "case_count": len(cases),
            "groups": [g for g in groups if g["rows"]],
            "retendering": retendering,
            "totals": totals,
            "outside_totals": outside_totals,
            "themes": [
                {"theme": theme, "count": theme_counts.get(theme.pk, 0)}
                for theme in Theme.objects.select_related("strategy").order_by(
                    "-strategy__starts_year", "number"
                )
            ],
            "principles": [
                {"principle": principle, "count": principle_counts.get(principle.pk, 0)}
                for principle in Principle.objects.order_by("number")
            ],
            # Only they and the secretariat see every case of the department.
            "sees_all_cases": is_secretariat(request.user)
            or (is_department_user(request.user) and request.user.department_id == department.pk),
        },
    )


@login_required
def department_plan_index(request):
    """The department plans of a cycle (the current one unless another is asked for)."""
    cycles = list(BudgetCycle.objects.order_by("-budget_year"))
    cycle = None
    asked = request.GET.get("cycle", "")
    if asked.isdigit():
        cycle = next((c for c in cycles if c.budget_year == int(asked)), None)
    if cycle is None:
        cycle = BudgetCycle.objects.current()
    counts = {}
    if cycle is not None:
        counts = dict(
            _visible_cases(request.user)
            .filter(cycle=cycle)
            .exclude(state=CaseState.WITHDRAWN)
            .order_by()
            .values_list("department_id")
            .annotate(n=Count("pk"))
        )
    departments = [
        {"department": d, "count": counts.get(d.pk, 0)} for d in Department.objects.order_by("name")
    ]
    return render(
        request,
        "portfolio/department_plan_index.html",
        {"cycle": cycle, "cycles": cycles, "departments": departments},
    )
