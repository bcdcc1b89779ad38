"""Choice fields and a select widget that cost one plain query and no template per option.

Django's ``ModelChoiceField`` reads its rows twice on a page that checks and
shows it (a ``.get()`` to clean the value, then an ``.iterator()`` for the
options, which on PostgreSQL is a server-side cursor: three round trips), and
its ``Select`` renders a template for every ``<option>``. The case list's
filters have about eighty options: that was a fifth of the page's time.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


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


class PlainSelect(forms.Select):
    """A ``<select>`` written in Python: the HTML of Django's ``Select`` template
    (attributes, the selected option, option groups), without a template per option."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in context["optgroups"]:
            html = format_html_join(
                "",
                '\n  <option value="{}"{}>{}</option>',
                ((str(o["value"]), flatatt(o["attrs"]), o["label"]) for o in options),
            )
            if group_name:
                html = format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, html)
            groups.append(html)
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            context["name"],
            flatatt(context["attrs"]),
            format_html_join("", "{}", ((g,) for g in groups)),
        )
