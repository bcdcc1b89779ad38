"""Choice fields and a select widget that cost one plain query and no template per option.

Django's ``ModelChoiceField`` reads its rows twice on a page that checks and
shows it (a ``.get()`` to clean the value, then an ``.iterator()`` for the
options, which on PostgreSQL is a server-side cursor: three round trips), and
its ``Select`` renders a template for every ``<option>``. The case list's
filters have about eighty options: that was a fifth of the page's time.
"""

import html

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class ListedChoiceIterator(ModelChoiceIterator):
    """Options from the field's queryset as a plain, cached read: one query per form
    however often the options are listed, and no server-side cursor."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)

    def __len__(self):
        return len(self.queryset) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.queryset)


class RowsChoiceIterator(ModelChoiceIterator):
    """The options of a ``RowsModelChoiceField``, from the rows it read once."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.rows():
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.rows()) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.rows())


class RowsModelChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` over a short list (departments, cycles, themes …).

    It reads its queryset once per form, with one plain query, and both checks
    the submitted value and lists the options from those rows. A value that is
    not among them is refused, as ``ModelChoiceField`` refuses it.
    """

    iterator = RowsChoiceIterator

    def rows(self) -> list:
        # The form deep-copies its fields and so their querysets: the rows read
        # belong to this form's queryset and are read again for another one.
        if getattr(self, "_rows_of", None) is not self.queryset:
            self._rows = list(self.queryset)
            self._rows_of = self.queryset
        return self._rows

    def to_python(self, value):
        if value in self.empty_values:
            return None
        key = self.to_field_name or "pk"
        if isinstance(value, self.queryset.model):
            value = getattr(value, key)
        wanted = str(value)
        for obj in self.rows():
            if str(getattr(obj, key)) == wanted:
                return obj
        raise ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": value},
        )


def html_attrs(attrs: dict) -> str:
    """A widget's attributes as Django's ``attrs.html`` writes them: in their order,
    ``True`` as a bare name, ``False`` left out (``flatatt`` would sort them)."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


class PlainSelect(forms.Select):
    """A ``<select>`` written in Python: the HTML of Django's ``Select`` template
    (attributes, the selected option, option groups), without a template per option.

    The options are written straight from the choices: Django's ``optgroups`` builds a
    dictionary of attributes per option first, which on the case list's eighty options
    cost as much as the rest of the filter form.
    """

    def render(self, name, value, attrs=None, renderer=None):
        if self.allow_multiple_selected:
            raise ValueError("PlainSelect writes a single choice.")
        selected = self.format_value(value)
        has_selected = False
        parts = []
        for option_value, option_label in self.choices:
            group = isinstance(option_label, list | tuple)
            if group:
                parts.append(format_html('\n  <optgroup label="{}">', option_value))
            choices = option_label if group else ((option_value, option_label),)
            for subvalue, sublabel in choices:
                text = "" if subvalue is None else str(subvalue)
                is_selected = not has_selected and text in selected
                has_selected |= is_selected
                # conditional_escape, spelled out: it is called twice for each of the
                # options (about eighty on the case list).
                if hasattr(sublabel, "__html__"):
                    label = sublabel.__html__()
                else:
                    label = html.escape(str(sublabel))
                mark = " selected" if is_selected else ""
                parts.append(f'\n  <option value="{html.escape(text)}"{mark}>{label}</option>')
            if group:
                parts.append("\n  </optgroup>")
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe("".join(parts)),
        )


class PlainTextInput(forms.TextInput):
    """An ``<input>`` written in Python: the HTML of Django's ``input.html`` template
    (type, name, value, attributes) without the three templates it takes."""

    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            self.input_type,
            name,
            format_html(' value="{}"', value) if value is not None else "",
            html_attrs(self.build_attrs(self.attrs, attrs)),
        )


class PlainTextarea(forms.Textarea):
    """A ``<textarea>`` written in Python: the HTML of Django's ``textarea.html``
    template (a line break after the opening tag, the value escaped) without its
    templates; the case form has a dozen."""

    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            name,
            html_attrs(self.build_attrs(self.attrs, attrs)),
            value if value else "",
        )
