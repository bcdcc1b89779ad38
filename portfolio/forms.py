"""The case form: parses what a department writes about an investment case.

The form only reads and checks the format of what was typed; completeness is
the case's own rule (``InvestmentCase.submission_problems``) and saving is
the services' job.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from kkdigital.lib.money import AmountError, format_number, parse_amount
from strategy.models import Potential, Principle, Theme

from .choices import ListedChoiceIterator, PlainTextarea, PlainTextInput
from .economy import PERMANENT, ROWS, cell_name, row_key, row_label
from .models import (
    ECONOMY_LINE_CEILING,
    Department,
    EconomyKind,
    InvestmentCase,
    Styringsomraade,
    ceiling_message,
)
from .services import CASE_FORM_FIELDS, CaseData

# The sections of the case form, in order: (slug used in ?sektion= and anchors, heading).
SECTIONS = (
    ("grundlag", _("Basics")),
    ("problem", _("Problem and solution")),
    ("forankring", _("Strategic anchoring")),
    ("oekonomi", _("Economy")),
    ("risiko", _("Risk and dependencies")),
    ("groen", _("Green requirements")),
    ("kontakt", _("Contact")),
)
SECTION_SLUGS = {slug for slug, _label in SECTIONS}

# The section each field lives in, to link a problem to where it is fixed.
FIELD_SECTIONS = {
    "title": "grundlag",
    "summary": "grundlag",
    "scope": "grundlag",
    "case_type": "grundlag",
    "participating_departments": "grundlag",
    "background": "problem",
    "solution": "problem",
    "themes": "forankring",
    "principles": "forankring",
    "potentials": "forankring",
    "economy": "oekonomi",
    "risk_level": "risiko",
    "risk_text": "risiko",
    "dependencies": "risiko",
    "depends_on_it_service_centres": "risiko",
    "green_requirements": "groen",
    "green_text": "groen",
    "contact_name": "kontakt",
    "contact_email": "kontakt",
}

YES_NO = ((True, _("Yes")), (False, _("No")))


def _add_dkfds_class(widget) -> None:
    """Give a widget the DKFDS class of its kind of input."""
    if isinstance(widget, forms.CheckboxSelectMultiple):
        css = "form-checkbox"
    elif isinstance(widget, forms.RadioSelect):
        css = "form-radio"
    elif isinstance(widget, forms.CheckboxInput):
        css = "form-checkbox"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    elif isinstance(widget, forms.HiddenInput):
        return
    else:
        css = "form-input"
    widget.attrs["class"] = " ".join(filter(None, [widget.attrs.get("class"), css]))


def _yes(value) -> bool:
    return value in (True, "True", "true", "1", "on")


class CaseForm(forms.ModelForm):
    """The department's own fields of a case, its links and its principle justifications."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    green_requirements = forms.TypedChoiceField(
        label=_("Does the case have green requirements?"),
        choices=YES_NO,
        coerce=_yes,
        empty_value=False,
        widget=forms.RadioSelect,
        initial=False,
        required=False,
    )

    class Meta:
        model = InvestmentCase
        fields = [*CASE_FORM_FIELDS, "participating_departments", "themes", "potentials"]
        widgets = {
            "participating_departments": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
            "potentials": forms.CheckboxSelectMultiple,
            "scope": forms.RadioSelect,
            "summary": PlainTextarea(attrs={"rows": 4}),
            "background": PlainTextarea(attrs={"rows": 8}),
            "solution": PlainTextarea(attrs={"rows": 8}),
            "risk_text": PlainTextarea(attrs={"rows": 5}),
            "dependencies": PlainTextarea(attrs={"rows": 5}),
            "green_text": PlainTextarea(attrs={"rows": 4}),
        }
        help_texts = {
            "summary": _("A few lines that say what the case is about."),
            "title": _("A title is all a draft needs; the rest can wait."),
        }

    def __init__(self, *args, department: Department, **kwargs):
        super().__init__(*args, **kwargs)
        self.department = department
        for name in ("participating_departments", "themes", "potentials"):
            # Set before the querysets below, which hand the widgets their options.
            self.fields[name].iterator = ListedChoiceIterator
        self.fields["participating_departments"].queryset = Department.objects.exclude(
            pk=department.pk
        )
        self.fields["themes"].queryset = Theme.objects.select_related("strategy").prefetch_related(
            "goals"
        )
        self.fields["potentials"].queryset = Potential.objects.all()
        self.fields["risk_level"].choices = [("", _("Choose …")), *self.fields[
            "risk_level"
        ].choices[1:]]
        self.fields["title"].error_messages["required"] = _(
            "Give the case a title; a draft needs one to be found again."
        )
        # A choice with a default (scope, type) may be left out of a draft: the
        # case keeps what it has.
        for name in ("scope", "case_type"):
            self.fields[name].required = False
        self.principles = list(Principle.objects.all())
        existing = {}
        if self.instance.pk:
            existing = dict(
                self.instance.principle_links.values_list("principle_id", "justification")
            )
            self.fields["version"].initial = self.instance.version
        for principle in self.principles:
            self.fields[self.principle_field_name(principle)] = forms.CharField(
                label=_("How does the case meet “%(name)s”?") % {"name": principle.name},
                required=False,
                widget=PlainTextarea(attrs={"rows": 3}),
                initial=existing.get(principle.pk, ""),
            )

        for name, form_field in self.fields.items():
            _add_dkfds_class(form_field.widget)
            if form_field.help_text or name == "depends_on_it_service_centres":
                form_field.widget.attrs["aria-describedby"] = f"id_{name}-hint"

    @staticmethod
    def principle_field_name(principle) -> str:
        return f"principle_{principle.pk}"

    def principle_fields(self):
        """(principle, bound field) pairs, in the principles' order."""
        return [(p, self[self.principle_field_name(p)]) for p in self.principles]

    def selected_ids(self, name: str) -> set[str]:
        return {str(value) for value in (self[name].value() or [])}

    def themes(self) -> list:
        """The themes offered, with their goal statements (read once per form)."""
        return list(self.fields["themes"].queryset)

    def theme_choices(self):
        """The themes with their goal statements and whether each is ticked."""
        selected = self.selected_ids("themes")
        return [(theme, str(theme.pk) in selected) for theme in self.themes()]

    def case_data(self, economy: dict) -> CaseData:
        """What the services write, from the cleaned form and the economy."""
        data = self.cleaned_data
        return CaseData(
            fields={
                name: data[name]
                for name in CASE_FORM_FIELDS
                if name in data and not (name in ("scope", "case_type") and not data[name])
            },
            participating_departments=list(data.get("participating_departments") or []),
            themes=list(data.get("themes") or []),
            potentials=list(data.get("potentials") or []),
            principles={
                p.pk: data.get(self.principle_field_name(p), "") for p in self.principles
            },
            economy=economy,
        )

    def _post_clean(self):
        # The model's own validation runs in the services, where the department,
        # cycle and price level are known; here only the fields' formats count.
        pass


class EconomyForm(forms.Form):
    """The economy table of the case form: one text cell per kind and year.

    People type amounts as they write them ("1.250.000", "1250000",
    "1 250 000"). Gains are typed as positive savings and handed on negative.
    """

    prefix = "eco"

    def __init__(self, *args, years: list[int], table=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(years)
        self.columns: list[int | None] = [*self.years, None]
        for kind, area in ROWS:
            for year in self.columns:
                initial = ""
                if table is not None:
                    amount = table.area_amount(kind, year, area)
                    if amount is not None:
                        initial = format_number(abs(amount))
                self.fields[self.cell_name(kind, year, area)] = forms.CharField(
                    label=self.cell_label(kind, year, area),
                    required=False,
                    initial=initial,
                    widget=PlainTextInput(
                        attrs={
                            "inputmode": "numeric",
                            "autocomplete": "off",
                            "class": "form-input economy-cell",
                            "data-kind": kind.value,
                            "data-row": row_key(kind, area),
                            "data-year": str(year) if year is not None else PERMANENT,
                        }
                    ),
                )

    @staticmethod
    def cell_name(kind, year, area=Styringsomraade.SERVICE) -> str:
        return cell_name(kind, year, area)

    @staticmethod
    def cell_label(kind, year, area=Styringsomraade.SERVICE) -> str:
        when = str(year) if year is not None else str(_("permanent effect"))
        return f"{row_label(kind, area)}, {when}"

    def clean(self):
        cleaned = super().clean()
        for name in list(self.fields):
            try:
                amount = parse_amount(cleaned.get(name, ""))
            except AmountError as error:
                self.add_error(name, str(error))
                continue
            if amount is not None and amount < 0:
                self.add_error(
                    name,
                    _("Write the amount without a minus; gains are written as positive savings."),
                )
            elif amount is not None and amount > ECONOMY_LINE_CEILING:
                self.add_error(name, ceiling_message())
        return cleaned

    def amounts(self) -> dict[tuple, int | None]:
        """``(kind, year, styringsområde)`` → kroner as stored (gains negative); None
        for an empty cell."""
        result = {}
        for kind, area in ROWS:
            for year in self.columns:
                amount = parse_amount(
                    self.cleaned_data.get(self.cell_name(kind, year, area), "")
                )
                if amount is not None and kind == EconomyKind.GAIN:
                    amount = -amount
                result[(kind.value, year, area.value)] = amount
        return result

    def rows(self):
        """(kind, styringsområde, label, [bound cells]) for the template, in the papers'
        order."""
        return [
            (
                kind,
                area,
                row_label(kind, area),
                [self[self.cell_name(kind, year, area)] for year in self.columns],
            )
            for kind, area in ROWS
        ]

    def typed_amounts(self) -> dict[tuple, int]:
        """What is in the cells now, parsed where possible: for the totals on the page.
        Keys are ``(kind, year, styringsområde)``."""
        result = {}
        for kind, area in ROWS:
            for year in self.columns:
                raw = self[self.cell_name(kind, year, area)].value()
                try:
                    amount = parse_amount(raw or "")
                except AmountError:
                    continue
                if amount is None or amount < 0:
                    continue
                result[(kind.value, year, area.value)] = (
                    -amount if kind == EconomyKind.GAIN else amount
                )
        return result
