"""The widgets written in Python write what Django's templates write."""

import pytest
from django import forms

from portfolio.choices import PlainTextarea, PlainTextInput

VALUES = ["", None, "plain", 'A <b> & "c"', "1.250.000", "linje 1\nlinje 2", 1250000]
ATTRS = [
    {},
    {"class": "form-input", "rows": 4},
    {"inputmode": "numeric", "required": True, "disabled": False, "data-year": "2027"},
]


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", VALUES)
def test_the_plain_text_input_writes_what_djangos_writes(value, attrs):
    ours = PlainTextInput(attrs=dict(attrs))
    django = forms.TextInput(attrs=dict(attrs))
    extra = {"id": "id_cell", "aria-describedby": "id_cell-hint"}
    assert ours.render("cell", value, extra) == django.render("cell", value, extra)


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", VALUES)
def test_the_plain_textarea_writes_what_djangos_writes(value, attrs):
    ours = PlainTextarea(attrs=dict(attrs))
    django = forms.Textarea(attrs=dict(attrs))
    extra = {"id": "id_summary", "required": True}
    assert ours.render("summary", value, extra) == django.render("summary", value, extra)
