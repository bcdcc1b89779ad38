"""How a change to a case is told in plain Danish.

One set of rules for the case timeline, the secretariat's audit log and the
message shown when two people edit a case at once: how a value reads (choice
labels, "ja"/"nej", names, amounts in kroner, "(tom)"), which fields are not
news (the state has its own story in the transitions; the rest is
bookkeeping), what an economy line and a state are called, and how links that
were added or removed are named. The callers read the history their own way
(and keep their query counts); they describe what they find with these.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import models
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kkdigital.lib.money import format_kr, format_number

from .models import CaseState, EconomyKind, InvestmentCase

# The state has its own story in the transitions; the rest is bookkeeping.
HIDDEN_FIELDS = {"id", "state", "version", "created_at", "created_by", "updated_at"}


@dataclass(frozen=True)
class Change:
    """One value that changed, ready to show: "Titel: Robotter → Robotter i jobcentret"."""

    label: str
    old: str
    new: str
    long = False

    @property
    def full_text(self) -> str:
        return str(self)

    def __str__(self):
        return _("%(field)s: %(old)s → %(new)s") % {
            "field": self.label,
            "old": self.old,
            "new": self.new,
        }


def empty() -> str:
    return _("(empty)")


def shown_case_fields() -> list[models.Field]:
    """The case's own fields whose changes are news, in the model's order."""
    history_names = {f.name for f in InvestmentCase.history.model._meta.fields}
    return [
        f
        for f in InvestmentCase._meta.concrete_fields
        if f.name in history_names and f.name not in HIDDEN_FIELDS
    ]


def field_label(model_field) -> str:
    return capfirst(str(model_field.verbose_name))


def describe_value(model_field, value) -> str:
    """A field's value as a person reads it: choice labels, names, ja/nej, "(tom)".

    For a relation, ``value`` is the related object (or its id, if it is gone).
    """
    if value is None or value == "":
        return empty()
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return date_format(value, "SHORT_DATE_FORMAT")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def field_change(model_field, old, new) -> Change:
    return Change(
        field_label(model_field),
        describe_value(model_field, old),
        describe_value(model_field, new),
    )


def describe_amount(amount: int) -> str:
    """Whole kroner as stored: "1.200.000 kr.", gains with their minus."""
    return format_kr(amount)


def amount_change(label: str, old: int | None, new: int | None) -> Change:
    """"Investering 2027: 1.200.000 → 1.500.000 kr.": "kr." once, after the last amount."""
    if new is None:
        return Change(label, describe_amount(old), empty())
    return Change(
        label, format_number(old) if old is not None else empty(), describe_amount(new)
    )


def economy_label(kind: str, year: int | None, area: str | None = None) -> str:
    """An economy line as the reader knows it: "Investering 2027", "Gevinster, varig",
    "Investering 2027 (anlæg)" (a capital line; service is the default and unnamed)."""
    label = str(EconomyKind(kind).label) if kind in EconomyKind.values else kind
    if year is None:
        label = _("%(kind)s, permanent") % {"kind": label}
    else:
        label = f"{label} {year}"
    if area == CAPITAL:
        label = _("%(line)s (capital)") % {"line": label}
    return label


# The styringsområde of a capital (anlæg) economy line.
CAPITAL = "anlaeg"


def state_label(value: str) -> str:
    return str(CaseState(value).label) if value in CaseState.values else value


def state_change(transition) -> Change:
    """"Status: Kladde → Indsendt"."""
    return Change(
        field_label(InvestmentCase._meta.get_field("state")),
        state_label(transition.from_state),
        state_label(transition.to_state),
    )


def transition_comment(transition) -> str:
    """The transition's comment, with the reason it was made outside its phase, if it was."""
    comment = transition.comment
    if transition.phase_override_reason:
        reason = _("Outside the phase because: %(reason)s") % {
            "reason": transition.phase_override_reason
        }
        comment = f"{comment}\n{reason}" if comment else reason
    return comment


# Links: themes, potentials, participating departments, principles ------------

LINK_TEXTS = {
    "themes": (gettext_lazy("Theme added: %(name)s"), gettext_lazy("Theme removed: %(name)s")),
    "potentials": (
        gettext_lazy("Potential added: %(name)s"),
        gettext_lazy("Potential removed: %(name)s"),
    ),
    "participating_departments": (
        gettext_lazy("Participating department added: %(name)s"),
        gettext_lazy("Participating department removed: %(name)s"),
    ),
}


def linked_name(obj) -> str:
    """A linked theme, department or principle; one deleted since leaves only its id."""
    return str(obj) if obj is not None else _("(deleted)")


def link_text(m2m_field, added: bool, name: str) -> str:
    """"Tema tilføjet: 1. Arbejdskraft"."""
    if m2m_field.name in LINK_TEXTS:
        return LINK_TEXTS[m2m_field.name][0 if added else 1] % {"name": name}
    text = _("%(field)s: %(name)s added") if added else _("%(field)s: %(name)s removed")
    return text % {"field": field_label(m2m_field), "name": name}


def links_change(
    m2m_field, before: Iterable[int], after: Iterable[int], objects: Mapping
) -> Change | None:
    """The links before and after, by name ("Temaer: (tom) → 1. Arbejdskraft"), or None.

    ``objects`` maps an id to its theme, department or potential.
    """
    before, after = set(before), set(after)
    if before == after:
        return None

    def names(ids):
        return ", ".join(sorted(linked_name(objects.get(pk)) for pk in ids)) or empty()

    return Change(field_label(m2m_field), names(before), names(after))
