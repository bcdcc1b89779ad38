"""Forms of the financing pages: they parse amounts, the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kkdigital.lib.money import AmountError, format_number, parse_amount

from .models import ChannelKind


class AllocationForm(forms.Form):
    """One amount per channel and year, typed as people write kroner ("1.250.000").

    ``step`` is "requested", "recommended" or "granted": the column of the
    allocations the form writes. Empty cells mean nothing (for a request: zero).
    """

    def __init__(self, *args, channels, years, allocations, step, **kwargs):
        super().__init__(*args, **kwargs)
        self.channels = list(channels)
        self.years = list(years)
        self.step = step
        current = {(a.channel_id, a.year): a for a in allocations}
        for channel in self.channels:
            for year in self.years:
                allocation = current.get((channel.pk, year))
                value = getattr(allocation, step) if allocation else None
                if value is None and allocation is not None and step != "requested":
                    # Pre-fill from the step before: a grant from the recommendation,
                    # a recommendation from the request.
                    value = allocation.recommended if step == "granted" else None
                    if value is None:
                        value = allocation.requested or None
                self.fields[self.cell_name(channel, year)] = forms.CharField(
                    label=_("%(channel)s, %(year)s") % {"channel": channel.name, "year": year},
                    required=False,
                    initial=format_number(value) if value else "",
                    widget=forms.TextInput(
                        attrs={"inputmode": "numeric", "autocomplete": "off",
                               "class": "form-input input-width-s"}
                    ),
                )
        if step != "requested":
            self.fields["override_reason"] = forms.CharField(
                label=_("Reason for exceeding the capacity"),
                help_text=_(
                    "Only the secretariat may exceed a channel's capacity; the reason is "
                    "logged and shown with the allocation."
                ),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-input"}),
            )

    @staticmethod
    def cell_name(channel, year) -> str:
        return f"amount_{channel.kind}_{year}"

    def clean(self):
        cleaned = super().clean()
        for channel in self.channels:
            for year in self.years:
                name = self.cell_name(channel, year)
                try:
                    amount = parse_amount(cleaned.get(name, ""))
                except AmountError as error:
                    self.add_error(name, str(error))
                    continue
                if amount is not None and amount < 0:
                    self.add_error(name, _("Enter a whole amount of kroner, zero or more."))
        return cleaned

    def amounts_by_channel(self) -> dict:
        """channel → {year: kroner or None} as the services take them."""
        result = {}
        for channel in self.channels:
            amounts = {}
            for year in self.years:
                amount = parse_amount(self.cleaned_data.get(self.cell_name(channel, year), ""))
                amounts[year] = (amount or 0) if self.step == "requested" else amount
            result[channel] = amounts
        return result

    def rows(self):
        """(channel, [bound fields by year]) for the template."""
        return [
            (channel, [self[self.cell_name(channel, year)] for year in self.years])
            for channel in self.channels
        ]


class LoanMoveForm(forms.Form):
    from_year = forms.IntegerField(label=_("Move the instalment of year"))
    to_year = forms.IntegerField(label=_("To year"))
    reason = forms.CharField(
        label=_("Decision and reason"),
        help_text=_("The political decision that moves the instalment, e.g. the meeting."),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-input"}),
    )


CHANNEL_ORDER = [ChannelKind.FRAME, ChannelKind.LOAN, ChannelKind.POOL]
