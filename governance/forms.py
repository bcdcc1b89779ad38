"""Forms of the case workflow: they parse and validate; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.forms_cycles import DanishDateField
from governance.models import (
    Assessment,
    CommitteeMeeting,
    DecisionOutcome,
)
from portfolio.models import InvestmentCase


class TransitionForm(forms.Form):
    """Confirms a transition; a comment where one is needed, a reason outside the phase."""

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-input"}),
    )
    override_reason = forms.CharField(
        label=_("Reason for acting outside the phase"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-input"}),
    )

    def __init__(self, *args, needs_comment=False, needs_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        if needs_comment:
            self.fields["comment"].required = True
            self.fields["comment"].label = _("Comment to the department")
            self.fields["comment"].help_text = _(
                "Say what the department must change before it submits again."
            )
            self.fields["comment"].error_messages["required"] = _(
                "Write a comment to the department on what to change."
            )
        if needs_override:
            self.fields["override_reason"].required = True
            self.fields["override_reason"].error_messages["required"] = _(
                "Give a reason to act outside the phase."
            )
        else:
            del self.fields["override_reason"]


class AssessmentForm(forms.ModelForm):
    """The IT directors' circle's score, rank and recommendation for one case."""

    class Meta:
        model = Assessment
        fields = ["score", "rank", "recommendation", "reason"]
        widgets = {
            "score": forms.Select(
                choices=[("", "—")] + [(n, str(n)) for n in range(1, 6)],
                attrs={"class": "form-select"},
            ),
            "rank": forms.NumberInput(attrs={"class": "form-input input-width-xs", "min": 1}),
            "recommendation": forms.Select(attrs={"class": "form-select"}),
            "reason": forms.Textarea(attrs={"rows": 3, "class": "form-input"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Several cases' forms share one page: keep the element ids apart.
        self.auto_id = f"id_{self.prefix}_%s" if self.prefix else "id_%s"
        self.fields["score"].error_messages["required"] = _("Give the case a score from 1 to 5.")
        # Django's blank choice "---------" says nothing; name what it means.
        self.fields["recommendation"].choices = [
            ("", _("No recommendation yet")),
            *self.fields["recommendation"].choices[1:],
        ]

    def validate_unique(self):
        # The service checks the rank within the cycle; the form knows no case yet.
        pass


class MeetingForm(forms.ModelForm):
    """A meeting of the Economic Committee: its date (dd/mm/åååå, as every date
    field of the site) and agenda item."""

    held_on = DanishDateField(label=_("Meeting date"))

    class Meta:
        model = CommitteeMeeting
        fields = ["held_on", "title"]
        widgets = {
            "title": forms.TextInput(attrs={"class": "form-input input-width-xl"}),
        }
        help_texts = {"title": _("E.g. the agenda item of the budget negotiations.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].widget.attrs.update(
            {"class": "form-input", "autocomplete": "off"}
        )


class ForwardForm(forms.Form):
    """Which prioritised cases go to which meeting of the Economic Committee."""

    cases = forms.ModelMultipleChoiceField(
        label=_("Prioritised cases"),
        queryset=InvestmentCase.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one case.")},
    )
    meeting = forms.ModelChoiceField(
        label=_("Meeting"),
        queryset=CommitteeMeeting.objects.none(),
        empty_label=_("Choose a meeting"),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": _("Choose the meeting.")},
    )
    override_reason = forms.CharField(
        label=_("Reason for acting outside the phase"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-input"}),
    )

    def __init__(self, *args, cases, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases
        self.fields["meeting"].queryset = meetings


class DecisionForm(forms.Form):
    """The Economic Committee's decision: for one case, or the same for all of a meeting."""

    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=DecisionOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the decision.")},
    )
    text = forms.CharField(
        label=_("Decision text"),
        help_text=_("E.g. “Indstillingen blev godkendt uden afstemning.”"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-input"}),
        error_messages={"required": _("Write the decision text.")},
    )
    override_reason = forms.CharField(
        label=_("Reason for acting outside the phase"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-input"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.auto_id = f"id_{self.prefix}_%s" if self.prefix else "id_%s"


class PublishForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Reason for acting outside the phase"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-input"}),
    )
