"""Forms of the board: they parse; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.board.models import BoardRecommendation
from portfolio.choices import PlainSelect
from portfolio.models import CaseScope

SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class ScoreForm(forms.Form):
    """One director's scores of one case: 1–5 and a comment per criterion."""

    def __init__(self, *args, criteria, initial_scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        initial_scores = initial_scores or {}
        for criterion in criteria:
            own = initial_scores.get(criterion.pk)
            self.fields[f"criterion_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.name,
                help_text=criterion.description,
                choices=SCORE_CHOICES,
                widget=forms.RadioSelect(attrs={"class": "form-radio"}),
                initial=str(own.value) if own else None,
                error_messages={"required": _("Give a score from 1 to 5.")},
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on “%(criterion)s”") % {"criterion": criterion.name},
                required=False,
                initial=own.comment if own else "",
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-input"}),
            )

    def pairs(self):
        """(score field, comment field, criterion) per criterion, for the template."""
        return [(self[f"criterion_{c.pk}"], self[f"comment_{c.pk}"], c) for c in self.criteria]

    def values(self) -> dict[int, tuple[int, str]]:
        return {
            c.pk: (
                int(self.cleaned_data[f"criterion_{c.pk}"]),
                self.cleaned_data[f"comment_{c.pk}"],
            )
            for c in self.criteria
        }


class MoveForm(forms.Form):
    """Move one case: one step up or down, or to position N."""

    case = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    step = forms.ChoiceField(choices=[("up", "up"), ("down", "down"), ("to", "to")])
    position = forms.IntegerField(
        label=_("Position"),
        required=False,
        min_value=1,
        error_messages={"min_value": _("The first position is 1.")},
    )

    def clean(self):
        data = super().clean()
        if data.get("step") == "to" and not data.get("position"):
            self.add_error("position", _("Give the position to move the case to."))
        return data


class RecommendForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        required=False,
        choices=[("", _("Follow the cut line")), *BoardRecommendation.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        help_text=_("The department reads the reason once the board is published."),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-input"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("recommendation") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for the recommendation."))
        return data


class PublishForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I have read what is still open and want to publish"),
        widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
        error_messages={"required": _("Confirm that you want to publish.")},
    )
    override_reason = forms.CharField(
        label=_("Reason for acting outside the phase"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-input"}),
    )


class FilterForm(forms.Form):
    """The board's filters; every field is optional."""

    # PlainSelect: the same <select> as Django's, written without a template per option.
    channel = forms.TypedChoiceField(
        label=_("Channel"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    department = forms.TypedChoiceField(
        label=_("Department"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        required=False,
        choices=[("", _("All")), *CaseScope.choices],
        widget=PlainSelect,
    )
    theme = forms.TypedChoiceField(
        label=_("Theme"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )

    def __init__(self, *args, channels, departments, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", _("All"))] + [(c.pk, c.name) for c in channels]
        self.fields["department"].choices = [("", _("All"))] + [(d.pk, d.code) for d in departments]
        self.fields["theme"].choices = [("", _("All"))] + [(t.pk, str(t)) for t in themes]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class CriterionForm(forms.Form):
    name = forms.CharField(
        label=_("Criterion"), max_length=200, widget=forms.TextInput(attrs={"class": "form-input"})
    )
    weight = forms.IntegerField(
        label=_("Weight"),
        min_value=1,
        max_value=10,
        widget=forms.NumberInput(attrs={"class": "form-input input-width-xs"}),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-input"}),
    )
