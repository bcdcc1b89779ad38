"""Forms of the follow-up. They only parse; ``services`` checks and saves."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from governance.forms_cycles import DanishDateField, DescribedBoundField
from kkdigital.lib.money import AmountError, format_number, parse_amount

from .models import Light, ReportStatus, Season

OVERRIDE_CHOICES = [("", _("No: show the computed light"))] + [
    (value, label) for value, label in Light.choices if value != Light.NONE
]


class AmountField(forms.CharField):
    """Whole kroner as people type them ("1.250.000"), shown back the same way."""

    bound_field_class = DescribedBoundField

    def __init__(self, *, allow_negative=False, **kwargs):
        self.allow_negative = allow_negative
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return format_number(value) if isinstance(value, int) else value

    def to_python(self, value):
        try:
            amount = parse_amount(value or "")
        except AmountError as error:
            raise ValidationError(str(error)) from error
        if amount is not None and amount < 0 and not self.allow_negative:
            raise ValidationError(_("Enter an amount of 0 or more."))
        return amount


def _style(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(widget, forms.Textarea):
            widget.attrs.setdefault("class", "form-input")
            widget.attrs.setdefault("rows", 4)
        else:
            widget.attrs.setdefault("class", "form-input")


class RoundForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2020, max_value=2100)
    season = forms.ChoiceField(label=_("Month"), choices=Season.choices)
    deadline = DanishDateField(label=_("Deadline for the reports"))
    cost_red_percent = forms.DecimalField(
        label=_("Cost: red when the expected total exceeds the granted by more than (%)"),
        min_value=Decimal("0"),
        max_digits=5,
        decimal_places=2,
        initial=Decimal("10"),
    )
    cost_red_amount = AmountField(label=_("Cost: … or by more than (kr.)"), initial=5_000_000)
    schedule_red_months = forms.IntegerField(
        label=_("Schedule: red when more than this many months late"),
        min_value=0,
        max_value=60,
        initial=3,
    )
    benefits_red_percent = forms.DecimalField(
        label=_("Benefits: red when the realised gains are more than this far behind the plan (%)"),
        min_value=Decimal("0"),
        max_digits=5,
        decimal_places=2,
        initial=Decimal("10"),
    )

    def __init__(self, *args, with_period=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_period:
            del self.fields["year"]
            del self.fields["season"]
        self.fields["cost_red_amount"].required = True
        _style(self)

    def thresholds(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in (
                "cost_red_percent",
                "cost_red_amount",
                "schedule_red_months",
                "benefits_red_percent",
            )
        }


class ReportForm(forms.Form):
    """The report's texts, expected figures, overrides and the years' spend and gains."""

    status_text = forms.CharField(label=_("Status"), required=False, widget=forms.Textarea)
    expected_total_cost = AmountField(label=_("Expected total cost (kr.)"), required=False)
    expected_completion = DanishDateField(label=_("Expected completion date"), required=False)
    milestones = forms.CharField(
        label=_("Milestones reached"), required=False, widget=forms.Textarea
    )
    risks = forms.CharField(label=_("Risks"), required=False, widget=forms.Textarea)
    needs_from_circle = forms.CharField(
        label=_("What is needed from the IT directors' circle"),
        required=False,
        widget=forms.Textarea,
    )

    def __init__(self, *args, report, years, **kwargs):
        self.report = report
        self.year_list = list(years)
        super().__init__(*args, **kwargs)
        for aspect, label in (
            ("cost", _("Cost")),
            ("schedule", _("Schedule")),
            ("benefits", _("Benefits")),
        ):
            self.fields[f"{aspect}_override"] = forms.ChoiceField(
                label=_("%(aspect)s: set another light") % {"aspect": label},
                choices=OVERRIDE_CHOICES,
                required=False,
            )
            self.fields[f"{aspect}_override_reason"] = forms.CharField(
                label=_("%(aspect)s: justification") % {"aspect": label},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        rows = {r.year: r for r in report.years.all()}
        for year in self.year_list:
            row = rows.get(year)
            self.fields[f"spent_{year}"] = AmountField(
                label=_("Spent in %(year)s (kr.)") % {"year": year},
                required=False,
                initial=row.spent if row else 0,
            )
            self.fields[f"realised_{year}"] = AmountField(
                label=_("Benefits realised in %(year)s (kr.)") % {"year": year},
                required=False,
                initial=row.benefits_realised if row else 0,
            )
        if not self.is_bound:
            for name in self.fields:
                if hasattr(report, name) and not name.startswith(("spent_", "realised_")):
                    self.initial[name] = getattr(report, name)
        _style(self)

    def aspect_fields(self):
        return [
            (self[f"{a}_override"], self[f"{a}_override_reason"])
            for a in ("cost", "schedule", "benefits")
        ]

    def year_fields(self):
        return [(year, self[f"spent_{year}"], self[f"realised_{year}"]) for year in self.year_list]

    def report_data(self) -> dict:
        names = [n for n in self.fields if not n.startswith(("spent_", "realised_"))]
        return {name: self.cleaned_data.get(name) for name in names}

    def years_data(self) -> dict[int, tuple[int, int]]:
        return {
            year: (
                self.cleaned_data.get(f"spent_{year}") or 0,
                self.cleaned_data.get(f"realised_{year}") or 0,
            )
            for year in self.year_list
        }


class RebaselineForm(forms.Form):
    completion_date = DanishDateField(label=_("New approved completion date"))
    decided_on = DanishDateField(label=_("Date of the Economic Committee's decision"))
    decision_text = forms.CharField(
        label=_("The decision"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, years, baseline, **kwargs):
        self.year_list = list(years)
        super().__init__(*args, **kwargs)
        for year in self.year_list:
            self.fields[f"granted_{year}"] = AmountField(
                label=_("Granted in %(year)s (kr.)") % {"year": year},
                required=False,
                initial=baseline.granted_in(year) if baseline else 0,
            )
        if baseline and not self.is_bound:
            self.initial["completion_date"] = baseline.completion_date
        _style(self)

    def granted(self) -> dict[int, int]:
        return {y: self.cleaned_data.get(f"granted_{y}") or 0 for y in self.year_list}

    def granted_fields(self):
        return [self[f"granted_{y}"] for y in self.year_list]


class TargetEntryForm(forms.Form):
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2)
    source = forms.CharField(label=_("Source"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class RoundReportFilterForm(forms.Form):
    """The filters of a round's list of reports; all optional. The departments offered
    are those with reports in the round (``departments``: (pk, name) pairs)."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + [(v, label) for v, label in ReportStatus.choices],
    )
    department = forms.TypedChoiceField(
        label=_("Department"), required=False, coerce=int, empty_value=None
    )
    light = forms.ChoiceField(
        label=_("Worst light"),
        required=False,
        choices=[("", _("All"))] + [(v, label) for v, label in Light.choices],
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("All departments")), *departments]
        for name, field in self.fields.items():
            field.widget.attrs.update({"class": "form-select", "id": f"id_{name}"})
