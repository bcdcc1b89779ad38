"""The case list's filters: a GET form that only parses, and the query it stands for."""

from django import forms
from django.db.models import Case, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from strategy.models import Principle, Theme

from .choices import PlainSelect, PlainTextInput, RowsModelChoiceField
from .models import (
    CaseEconomyLine,
    CaseScope,
    CaseState,
    CaseType,
    Department,
    EconomyKind,
    InvestmentCase,
)

# The cycle model belongs to governance, which portfolio does not import.
BudgetCycle = InvestmentCase._meta.get_field("cycle").related_model

SORTS = {
    "title": ("title", "pk"),
    "-title": ("-title", "-pk"),
    "department": ("department__name", "title", "pk"),
    "-department": ("-department__name", "title", "pk"),
    "state": ("state_order", "title", "pk"),
    "-state": ("-state_order", "title", "pk"),
    "updated": ("updated_at", "pk"),
    "-updated": ("-updated_at", "-pk"),
    "investment": ("total_investment", "title", "pk"),
    "-investment": ("-total_investment", "title", "pk"),
}
DEFAULT_SORT = "-updated"


def _all(label):
    return [("", label)]


class CaseFilterForm(forms.Form):
    """What the user asks the case list for. Every field is optional."""

    q = forms.CharField(
        label=_("Search in title and summary"),
        required=False,
        max_length=200,
        strip=True,
        widget=PlainTextInput(attrs={"class": "form-input", "type": "search"}),
    )
    department = RowsModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label=_("All departments"),
        widget=PlainSelect,
        to_field_name="code",
    )
    cycle = RowsModelChoiceField(
        label=_("Budget cycle"),
        queryset=BudgetCycle.objects.order_by("-budget_year"),
        required=False,
        empty_label=_("All cycles"),
        widget=PlainSelect,
        to_field_name="budget_year",
    )
    state = forms.ChoiceField(
        label=_("State"),
        choices=_all(_("All states")) + CaseState.choices,
        required=False,
        widget=PlainSelect,
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=_all(_("All scopes")) + CaseScope.choices,
        required=False,
        widget=PlainSelect,
    )
    case_type = forms.ChoiceField(
        label=_("Type"),
        choices=_all(_("All types")) + CaseType.choices,
        required=False,
        widget=PlainSelect,
    )
    theme = RowsModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.order_by("-strategy__starts_year", "number"),
        required=False,
        empty_label=_("All themes"),
        widget=PlainSelect,
    )
    principle = RowsModelChoiceField(
        label=_("Principle"),
        queryset=Principle.objects.order_by("number"),
        required=False,
        empty_label=_("All principles"),
        widget=PlainSelect,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        widget=PlainSelect,
        choices=[
            ("-updated", _("Last updated first")),
            ("updated", _("Oldest update first")),
            ("title", _("Title A–Z")),
            ("-title", _("Title Z–A")),
            ("department", _("Department A–Z")),
            ("-department", _("Department Z–A")),
            ("state", _("State, in the order of the process")),
            ("-state", _("State, latest in the process first")),
            ("-investment", _("Largest investment first")),
            ("investment", _("Smallest investment first")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, form_field in self.fields.items():
            if name != "q":
                form_field.widget.attrs["class"] = "form-select"


def with_total_investment(queryset: QuerySet) -> QuerySet:
    """Annotate each case with the sum of its investment lines (whole kroner).

    A subquery, not a join, so that the sum is right whatever else the query joins.
    """
    total = (
        CaseEconomyLine.objects.filter(case=OuterRef("pk"), kind=EconomyKind.INVESTMENT)
        .order_by()
        .values("case")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return queryset.annotate(total_investment=Coalesce(Subquery(total), Value(0)))


def filter_cases(queryset: QuerySet, data: dict) -> QuerySet:
    """Narrow ``queryset`` by a filter form's ``cleaned_data`` and order it."""
    return order_cases(narrow_cases(queryset, data), data)


def narrow_cases(queryset: QuerySet, data: dict) -> QuerySet:
    """Only the cases a filter form's ``cleaned_data`` asks for, in no particular order."""
    if data.get("q"):
        queryset = queryset.filter(Q(title__icontains=data["q"]) | Q(summary__icontains=data["q"]))
    for field in ("department", "cycle", "state", "scope", "case_type"):
        if data.get(field):
            queryset = queryset.filter(**{field: data[field]})
    # One theme or principle matches at most one row per case: no duplicates.
    if data.get("theme"):
        queryset = queryset.filter(themes=data["theme"])
    if data.get("principle"):
        queryset = queryset.filter(principle_links__principle=data["principle"])
    return queryset


def order_cases(queryset: QuerySet, data: dict) -> QuerySet:
    """``queryset`` in the order a filter form's ``cleaned_data`` asks for; sorting by
    investment needs ``with_total_investment`` first."""
    sort = data.get("sort") or DEFAULT_SORT
    if sort in ("state", "-state"):
        # The order of the process, not the alphabet of the stored values.
        queryset = queryset.annotate(
            state_order=Case(
                *(When(state=state, then=Value(i)) for i, state in enumerate(CaseState)),
                default=Value(len(CaseState)),
            )
        )
    return queryset.order_by(*SORTS[sort])
