"""Forms for the annual cycle: the phase dates of one cycle. They only parse and
validate; ``governance.services.cycles`` saves."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from governance.services.cycles import phase_schedule_problems

# DKFDS's date picker writes dd/mm/yyyy (and sends yyyy-mm-dd once a date is
# picked in the calendar); people also type dots, dashes or spaces.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d %m %Y", "%Y-%m-%d"]
DATE_DISPLAY_FORMAT = "%d/%m/%Y"


class DescribedBoundField(BoundField):
    """A field whose input points at its hint and, when there is one, its error
    message (ids ``<id>_hint`` and ``<id>_error`` in the template)."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        described_by = [f"{self.auto_id}_hint"]
        if self.errors:
            described_by.append(f"{self.auto_id}_error")
        attrs["aria-describedby"] = " ".join(described_by)
        return attrs


class DanishDateField(forms.DateField):
    """A date typed as dd/mm/yyyy, shown the same way again after an error."""

    widget = forms.DateInput(format=DATE_DISPLAY_FORMAT)
    bound_field_class = DescribedBoundField
    default_error_messages = {
        "required": _("Fill in the date."),
        "invalid": _("Write the date as dd/mm/yyyy, for example 31/03/2027."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(**kwargs)

    def bound_data(self, data, initial):
        # A date the user typed another way is shown back as dd/mm/yyyy (so the
        # date picker can read it); text that is no date is shown as typed.
        try:
            return self.to_python(data)
        except ValidationError:
            return data


class PhaseDatesForm(forms.Form):
    """The start and end of one phase of a cycle."""

    starts_on = DanishDateField(label=_("Starts"))
    ends_on = DanishDateField(label=_("Ends"))

    def __init__(self, *args, phase, **kwargs):
        self.phase = phase
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.update({"class": "form-input", "autocomplete": "off"})

    def dates(self) -> tuple[datetime.date | None, datetime.date | None]:
        data = getattr(self, "cleaned_data", {})
        return data.get("starts_on"), data.get("ends_on")


class BasePhaseDatesFormSet(forms.BaseFormSet):
    """One form per phase of the cycle, in the order of the annual cycle; the
    dates are checked against each other by ``phase_schedule_problems``."""

    def __init__(self, *args, cycle, phases, **kwargs):
        self.cycle = cycle
        self.phases = list(phases)
        if not args and "data" not in kwargs:
            kwargs.setdefault(
                "initial",
                [{"starts_on": p.starts_on, "ends_on": p.ends_on} for p in self.phases],
            )
        super().__init__(*args, **kwargs)
        # Exactly one form per phase, however the management form was edited.
        self.min_num = self.max_num = self.absolute_max = len(self.phases)
        self.validate_min = self.validate_max = True

    def get_form_kwargs(self, index):
        return {"phase": self.phases[index]}

    def clean(self):
        dates = {form.phase.kind: form.dates() for form in self.forms}
        problems = phase_schedule_problems(self.cycle.budget_year, dates)
        for form in self.forms:
            for field, messages in problems.get(form.phase.kind, {}).items():
                for message in messages:
                    form.add_error(field, message)

    def dates(self) -> dict[str, tuple[datetime.date, datetime.date]]:
        return {form.phase.kind: form.dates() for form in self.forms}


PhaseDatesFormSet = forms.formset_factory(
    PhaseDatesForm, formset=BasePhaseDatesFormSet, extra=0
)
