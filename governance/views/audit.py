"""The audit log for the secretariat: filter the cycle's transitions and changes, or export them."""

import datetime

from django import forms
from django.core.paginator import Paginator
from django.forms.boundfield import BoundField
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.audit import audit_entries
from governance.forms_cycles import DanishDateField
from governance.models import BudgetCycle
from governance.views.decorators import secretariat_required
from kkdigital.lib.csvexport import csv_response
from portfolio.models import Department, User

PAGE_SIZE = 50

# The dates and numbers a filter can hold; beyond them the database cannot compare.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2099, 12, 31)
LARGEST_ID = 2**63 - 1
DATE_HINT = gettext_lazy("Write the date as dd/mm/yyyy, for example 10/09/2027.")


class FilterDateField(DanishDateField):
    """A date typed as dd/mm/åååå and shown so again, described by the filter template's
    own hint and error ids."""

    bound_field_class = BoundField


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices read as a plain list, once per form.

    Django reads a select's choices through ``QuerySet.iterator()``, which on PostgreSQL
    opens a server-side cursor (declare, fetch, close) every time the field is drawn; the
    filter's lists are short, and read once they are kept for the form's other uses.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedChoiceField(forms.ModelChoiceField):
    iterator = ListedChoiceIterator


class UserChoiceField(ListedChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class AuditFilterForm(forms.Form):
    """Parses the audit log's filters; all are optional."""

    cycle = ListedChoiceField(
        label=gettext_lazy("Budget cycle"),
        queryset=BudgetCycle.objects.order_by("-budget_year"),
        to_field_name="budget_year",
        required=False,
        empty_label=None,
    )
    department = ListedChoiceField(
        label=gettext_lazy("Department"),
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("All departments"),
    )
    user = UserChoiceField(
        label=gettext_lazy("User"),
        queryset=User.objects.order_by("first_name", "last_name", "username"),
        required=False,
        empty_label=gettext_lazy("All users"),
    )
    # A number, not a list of every case of the cycle: a cycle can have thousands.
    case = forms.IntegerField(
        label=gettext_lazy("Case number"),
        help_text=gettext_lazy(
            "The number shown after the case's title, e.g. 123. Empty: all cases."
        ),
        required=False,
        min_value=1,
        max_value=LARGEST_ID,
        error_messages={
            "min_value": gettext_lazy("There is no case with that number."),
            "max_value": gettext_lazy("There is no case with that number."),
        },
        widget=forms.NumberInput(
            attrs={"inputmode": "numeric", "aria-describedby": "id_case-hint"}
        ),
    )
    # Typed as dd/mm/åååå like every other date of the app (yyyy-mm-dd still read).
    date_from = FilterDateField(
        label=gettext_lazy("From date"), required=False, help_text=DATE_HINT
    )
    date_to = FilterDateField(label=gettext_lazy("To date"), required=False, help_text=DATE_HINT)

    def __init__(self, *args, cycle: BudgetCycle | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if cycle is not None:
            self.fields["cycle"].initial = cycle.budget_year
        for name, form_field in self.fields.items():
            css = "form-select" if isinstance(form_field, forms.ModelChoiceField) else "form-input"
            form_field.widget.attrs.setdefault("class", css)
            form_field.widget.attrs.setdefault("id", f"id_{name}")
            if form_field.help_text:
                form_field.widget.attrs["aria-describedby"] = f"id_{name}-hint"

    def full_clean(self):
        super().full_clean()
        # Tie each field with an error to its message for screen readers.
        for name in self.errors:
            if name in self.fields:
                described = [f"id_{name}-error"]
                if self.fields[name].help_text:
                    described.append(f"id_{name}-hint")
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": " ".join(described)}
                )

    def _clean_date(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError(
                _("Choose a date from %(earliest)s to %(latest)s.")
                % {
                    "earliest": EARLIEST_DATE.strftime("%d/%m/%Y"),
                    "latest": LATEST_DATE.strftime("%d/%m/%Y"),
                }
            )
        return value

    def clean_date_from(self):
        return self._clean_date("date_from")

    def clean_date_to(self):
        return self._clean_date("date_to")

    def clean(self):
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        return data


class LogPage:
    """A page of the audit log without its total: the entries and whether more follow.

    Counting a cycle's entries means judging every version of every case against the
    one before it (hundreds of milliseconds at the municipality's volume), and a reader
    who pages through a log needs only to know that older entries follow. The total is
    shown on request (``?count=1``), which htmx fetches by itself after the page.
    """

    paginator = None

    def __init__(self, entries, number: int, has_next: bool):
        self.object_list = entries
        self.number = number
        self._has_next = has_next

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


# Beyond this page the log is counted to find its last page (as Paginator.get_page does).
MAX_UNCOUNTED_PAGE = 1000


def _page_number(raw) -> int:
    try:
        return max(1, int(raw))
    except (TypeError, ValueError):
        return 1


def _page(entries, raw_number, *, counted: bool):
    """The page asked for: without the total unless ``counted``; a page past the end
    is the last page, found by counting."""
    number = _page_number(raw_number)
    # ``entries`` is a list only when there is nothing to read (no cycle, a bad filter);
    # the log itself is not asked for its length here, that would count it.
    if not counted and not isinstance(entries, list) and number <= MAX_UNCOUNTED_PAGE:
        start = (number - 1) * PAGE_SIZE
        rows = entries[start : start + PAGE_SIZE + 1]
        if rows or number == 1:
            return LogPage(rows[:PAGE_SIZE], number, has_next=len(rows) > PAGE_SIZE)
    return Paginator(entries, PAGE_SIZE).get_page(raw_number)


@secretariat_required
def audit_log(request):
    """Every filter parameter is read through the form: one it cannot use is shown with
    its Danish message next to the field, and the log stays empty (never an error page)."""
    current = BudgetCycle.objects.current()
    form = AuditFilterForm(request.GET or None, cycle=current)
    valid = not form.is_bound or form.is_valid()
    filters = form.cleaned_data if form.is_bound else {}
    cycle = filters.get("cycle") or current
    entries = []
    if cycle is not None and valid:
        entries = audit_entries(
            cycle,
            department=filters.get("department"),
            user=filters.get("user"),
            case=filters.get("case"),
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        )
    if request.GET.get("format") == "csv" and valid:
        return _csv_response(cycle, entries)
    counted = request.GET.get("count") == "1"
    if counted and request.headers.get("HX-Request"):
        # The total, fetched by the page once it is shown.
        return render(request, "governance/partials/_audit_count.html", {"count": len(entries)})
    query = request.GET.copy()
    for name in ("page", "format", "count"):
        query.pop(name, None)
    filter_query = query.urlencode()
    if counted:
        query["count"] = "1"
    page = _page(entries, request.GET.get("page"), counted=counted)
    return render(
        request,
        "governance/audit_log.html",
        {
            "cycle": cycle,
            "form": form,
            "page": page,
            "log": entries,
            "query": query.urlencode(),
            "filter_query": filter_query,
        },
    )


def _user_name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _csv_response(cycle, entries):
    """The entries as a CSV file that Danish Excel opens directly (``kkdigital.lib.csvexport``).

    Streamed: the entries are read source by source in chunks while the file is sent.
    """
    year = cycle.budget_year if cycle else "none"
    header = [
        _("Time"),
        _("User"),
        _("Department"),
        _("Case number"),
        _("Case"),
        _("Event"),
        _("What changed"),
        _("Comment"),
    ]
    rows = (
        (
            timezone.localtime(entry.when).strftime("%Y-%m-%d %H:%M:%S"),
            _user_name(entry.user),
            entry.department.name if entry.department else "",
            entry.case_id,
            entry.case_title,
            entry.what,
            entry.changes_text,
            entry.comment,
        )
        for entry in entries
    )
    return csv_response(f"revisionslog-{year}.csv", header, rows)
