"""The Economic Committee's decision on a case with the money it granted."""

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.forms import DecisionForm
from kkdigital.lib.money import AmountError, format_number, parse_amount


class DecisionWithGrantsForm(DecisionForm):
    """The decision plus one amount per channel and year the case asked for,
    pre-filled from the recommendation (or the request), editable for a partial grant.
    The amounts are used when the decision is "approved"."""

    def __init__(self, *args, allocations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.allocations = [a for a in allocations if a.requested or a.recommended or a.granted]
        self.grant_names = []
        for allocation in self.allocations:
            value = allocation.granted
            if value is None:
                value = allocation.recommended
            if value is None:
                value = allocation.requested
            name = self.grant_name(allocation.channel.kind, allocation.year)
            self.fields[name] = forms.CharField(
                label=_("Granted, %(channel)s %(year)s (kr.)")
                % {"channel": allocation.channel.name, "year": allocation.year},
                required=False,
                initial=format_number(value),
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "autocomplete": "off",
                           "class": "form-input input-width-s"}
                ),
            )
            self.grant_names.append(name)
        if self.allocations:
            self.fields["capacity_override_reason"] = forms.CharField(
                label=_("Reason for exceeding the capacity"),
                help_text=_("Only if the grant takes a channel past its capacity; it is logged."),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-input"}),
            )

    @staticmethod
    def grant_name(kind, year) -> str:
        return f"grant_{kind}_{year}"

    def clean(self):
        cleaned = super().clean()
        for name in self.grant_names:
            try:
                amount = parse_amount(cleaned.get(name, ""))
            except AmountError as error:
                self.add_error(name, str(error))
                continue
            if amount is not None and amount < 0:
                self.add_error(name, _("Enter a whole amount of kroner, zero or more."))
        return cleaned

    def grant_fields(self):
        return [self[name] for name in self.grant_names]

    def decision_data(self) -> dict:
        """What ``case_decide_with_grants`` takes besides actor, case and meeting."""
        grants: dict = {}
        for allocation in self.allocations:
            name = self.grant_name(allocation.channel.kind, allocation.year)
            grants.setdefault(allocation.channel, {})[allocation.year] = parse_amount(
                self.cleaned_data.get(name, "")
            )
        data = {
            "outcome": self.cleaned_data["outcome"],
            "text": self.cleaned_data["text"],
            "override_reason": self.cleaned_data.get("override_reason", ""),
            "grants": grants,
        }
        if self.allocations:
            data["capacity_override_reason"] = self.cleaned_data.get(
                "capacity_override_reason", ""
            )
        return data
