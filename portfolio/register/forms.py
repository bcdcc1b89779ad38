"""Forms of the register pages: filters (GET, they only parse), the upload, the settings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Department
from .kitos import max_file_bytes, size_text
from .models import BusinessCritical, ImportKind, ITSystem, Lifecycle, SystemRole


def _all(label):
    return [("", label)]


class _Filters(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        strip=True,
        widget=forms.TextInput(attrs={"class": "form-input", "type": "search"}),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label=_("All departments"),
        to_field_name="code",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, form_field in self.fields.items():
            if name != "q":
                form_field.widget.attrs["class"] = "form-select"


class SystemFilterForm(_Filters):
    lifecycle = forms.ChoiceField(
        label=_("Life cycle"), choices=_all(_("All life cycles")) + Lifecycle.choices,
        required=False,
    )
    business_critical = forms.ChoiceField(
        label=_("Business-critical"),
        choices=_all(_("All")) + BusinessCritical.choices,
        required=False,
    )
    missing = forms.ChoiceField(
        label=_("In the latest KITOS export"),
        choices=[("", _("All")), ("1", _("Missing from the latest export"))],
        required=False,
    )


class ContractFilterForm(_Filters):
    expires = forms.ChoiceField(
        label=_("Decision date"),
        choices=[
            ("", _("Any")),
            ("12", _("Within 12 months")),
            ("24", _("Within 24 months")),
            ("36", _("Within 36 months")),
        ],
        required=False,
    )
    missing = SystemFilterForm.base_fields["missing"]


class RadarFilterForm(forms.Form):
    months = forms.IntegerField(
        label=_("Decision date within (months)"),
        min_value=1,
        max_value=120,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-input input-width-xs"}),
    )
    department = _Filters.base_fields["department"]
    critical_only = forms.BooleanField(
        label=_("Only contracts for business-critical systems"), required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].widget.attrs["class"] = "form-select"


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("KITOS export (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-file-input"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The limit is a setting (KK_KITOS_IMPORT_MAX_BYTES): read it per form, not at import.
        self.fields["file"].help_text = _(
            "The Excel file that KITOS's export gives, at most %(size)s."
        ) % {"size": size_text(max_file_bytes())}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_file_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(size)s.") % {"size": size_text(max_file_bytes())}
            )
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an Excel file (.xlsx) exported from KITOS."))
        return upload


class CaseSystemForm(forms.Form):
    system = forms.ModelChoiceField(
        label=_("IT system"), queryset=ITSystem.objects.all(), widget=forms.HiddenInput
    )
    role = forms.ChoiceField(
        label=_("What the case does with it"),
        choices=SystemRole.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
