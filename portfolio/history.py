"""THE reading of django-simple-history: history rows in, change entries out.

The case timeline (``portfolio.timeline``), the secretariat's audit log
(``governance.audit``) and the message shown when two people edit a case at
once (``portfolio.services.case_conflict``) all read history through this
module, so that one edit is told the same way everywhere:

- two versions of a row become :class:`ChangeEntry` items (field, old, new,
  who, when) by :func:`field_changes`; a long text is one entry "X changed"
  that carries the whole old and new text (:func:`text_diff` shows it);
- links added or removed (themes, potentials, departments) by
  :func:`link_changes`, one entry per link;
- the rows a case owns (economy lines, principles) by :func:`row_changes`; a
  row deleted and created again by the same person within
  :data:`MERGE_WINDOW` is ONE change (100.000 → 150.000 kr.), or none at all if
  nothing differs. The audit log reads its rows a page at a time in SQL; it
  applies the same rule through :func:`replacement_filters`.

The words (labels, "(tom)", amounts) are ``portfolio.changes``.
"""

import datetime
import difflib
from dataclasses import dataclass

from django.db import models
from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext as _

from .changes import (
    amount_change,
    describe_amount,
    describe_value,
    economy_label,
    empty,
    field_label,
    link_text,
    linked_name,
)

# When a form saves by deleting a row and creating it again, the two history
# rows are one change to the reader.
MERGE_WINDOW = datetime.timedelta(seconds=5)

# A text longer than this is told "X changed" on one line, with the whole text
# (or a diff of it) shown where there is room for it.
LONG_TEXT = 120


class Kind:
    CREATED = "created"
    STATE = "state"
    FIELD = "field"
    RELATION = "relation"
    ECONOMY = "economy"
    PRINCIPLE = "principle"


@dataclass(frozen=True)
class ChangeEntry:
    """One value that changed: which, from what, to what, by whom, when.

    ``str()`` is the one line every reader shows ("Titel: A → B",
    "Tema tilføjet: 1. Arbejdskraft", "Investering 2027: 100.000 → 150.000 kr.").
    For a long text the line is "Baggrund ændret" and ``old``/``new`` hold the
    full texts: :attr:`diff` tells them apart word by word.
    """

    field: str
    old: str
    new: str
    who: object = None
    when: datetime.datetime | None = None
    kind: str = Kind.FIELD
    text: str = ""
    long: bool = False

    @property
    def label(self) -> str:
        return self.field

    def __str__(self):
        if self.text:
            return self.text
        return _("%(field)s: %(old)s → %(new)s") % {
            "field": self.field,
            "old": self.old,
            "new": self.new,
        }

    @property
    def full_text(self) -> str:
        """The line with a long text quoted in full (the audit log's export)."""
        if not self.long:
            return str(self)
        return _("%(field)s: %(old)s → %(new)s") % {
            "field": self.field,
            "old": self.old or empty(),
            "new": self.new or empty(),
        }

    @property
    def diff(self) -> list[tuple[str, str]]:
        return text_diff(self.old, self.new) if self.long else []


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Two texts as runs of ("same" | "removed" | "added", words), word by word."""
    old_words, new_words = (old or "").split(" "), (new or "").split(" ")
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("same", " ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            runs.append(("removed", " ".join(old_words[a1:a2])))
        if b2 > b1:
            runs.append(("added", " ".join(new_words[b1:b2])))
    return runs


def is_long(model_field, old, new) -> bool:
    return isinstance(model_field, models.TextField) or any(
        isinstance(v, str) and len(v) > LONG_TEXT for v in (old, new)
    )


def field_change(model_field, old, new, *, who=None, when=None) -> ChangeEntry:
    """One field's values before and after (for a relation: the objects)."""
    label = field_label(model_field)
    if is_long(model_field, old, new):
        return ChangeEntry(
            label,
            old or "",
            new or "",
            who,
            when,
            Kind.FIELD,
            text=_("%(field)s changed") % {"field": label},
            long=True,
        )
    return ChangeEntry(
        label, describe_value(model_field, old), describe_value(model_field, new), who, when
    )


def field_changes(fields, before, after, *, value=None, who=None, when=None) -> list[ChangeEntry]:
    """The fields that differ between two versions of a row, in ``fields`` order.

    ``value(model_field, record)`` gives what a field shows (default: the stored
    value; a relation is named by the caller's ``value``, e.g. from objects read once).
    """
    value = value or (lambda model_field, record: getattr(record, model_field.attname))
    changes = []
    for model_field in fields:
        old, new = getattr(before, model_field.attname), getattr(after, model_field.attname)
        if old == new or (old in (None, "") and new in (None, "")):
            continue
        changes.append(
            field_change(
                model_field, value(model_field, before), value(model_field, after),
                who=who, when=when,
            )
        )
    return changes


def link_changes(m2m_field, before, after, objects, *, who=None, when=None) -> list[ChangeEntry]:
    """One entry per link added or removed, by name; ``objects`` maps id to object."""
    before, after = set(before), set(after)
    label = field_label(m2m_field)
    changes = []
    for added, ids in ((True, after - before), (False, before - after)):
        named = sorted((linked_name(objects.get(pk)) for pk in ids), key=str)
        for name in named:
            changes.append(
                ChangeEntry(
                    label,
                    "" if added else name,
                    name if added else "",
                    who,
                    when,
                    Kind.RELATION,
                    text=link_text(m2m_field, added, name),
                )
            )
    return changes


# Rows a case owns: economy lines and principles ------------------------------------


@dataclass
class RowChange:
    """A row of a case changed: ``old``/``new`` are its history records (None: absent)."""

    time: datetime.datetime
    actor: object
    key: tuple
    old: object
    new: object


def row_changes(records, key, same) -> list[RowChange]:
    """Changes of a case's rows from their history (oldest first), keyed as the reader
    sees them (an economy line is its kind and year); ``same`` tells whether two
    records show the same content."""
    changes: list[RowChange] = []
    latest = {}
    for record in records:
        before = latest.get(record.id)
        who, when = record.history_user, record.history_date
        if record.history_type == "-":
            changes.append(RowChange(when, who, key(before or record), before or record, None))
            latest.pop(record.id, None)
            continue
        if before is None:
            changes.append(RowChange(when, who, key(record), None, record))
        elif key(before) != key(record):
            changes.append(RowChange(when, who, key(before), before, None))
            changes.append(RowChange(when, who, key(record), None, record))
        elif not same(before, record):
            changes.append(RowChange(when, who, key(record), before, record))
        latest[record.id] = record
    return merge_replacements(changes, same)


def _replaces(earlier: RowChange, later: RowChange) -> bool:
    """THE rule: same row to the reader, same person, within the window, one gone and
    one come."""
    return (
        earlier.key == later.key
        and earlier.actor == later.actor
        and later.time - earlier.time <= MERGE_WINDOW
        and earlier.old is not None
        and earlier.new is None
        and later.old is None
        and later.new is not None
    )


def merge_replacements(changes: list[RowChange], same) -> list[RowChange]:
    """A row deleted and created again by one person at one moment is one change; if
    nothing differs, it is no change at all."""
    merged: list[RowChange | None] = []
    for change in changes:
        partner = None
        if change.old is None or change.new is None:
            for i in range(len(merged) - 1, -1, -1):
                other = merged[i]
                if other is not None and _replaces(other, change):
                    partner = i
                    break
        if partner is None:
            merged.append(change)
            continue
        other = merged[partner]
        old = other.old if other.old is not None else change.old
        new = change.new if change.new is not None else other.new
        merged[partner] = None
        if not same(old, new):
            merged.append(RowChange(change.time, change.actor, change.key, old, new))
    return [change for change in merged if change is not None]


def replacement_filters(historical_model, key_fields: list[str], value: str):
    """The same rule in SQL, for a reader that pages history rows in the database.

    Returns ``(replaced, replaced_later)``: ``replaced`` is a subquery giving the
    ``value`` of the row this creation replaces (None if it replaces none);
    ``replaced_later`` is true for a deletion that a creation replaces. Annotate
    creations with the first and leave out the deletions marked by the second.
    """
    same_row = {name: OuterRef(name) for name in ["case_id", *key_fields]}
    deletions_before = historical_model.objects.filter(
        **same_row,
        history_type="-",
        history_user_id=OuterRef("history_user_id"),
        history_date__lte=OuterRef("history_date"),
        history_date__gte=OuterRef("history_date") - MERGE_WINDOW,
    ).order_by("-history_date", "-history_id")
    replaced = Subquery(deletions_before.values(value)[:1])
    replaced_later = Exists(
        historical_model.objects.filter(
            **same_row,
            history_type="+",
            history_user_id=OuterRef("history_user_id"),
            history_date__gte=OuterRef("history_date"),
            history_date__lte=OuterRef("history_date") + MERGE_WINDOW,
        )
    )
    return replaced, replaced_later


def economy_change(
    kind, year, old: int | None, new: int | None, *, area=None, who=None, when=None
):
    """"Investering 2027: 100.000 → 150.000 kr.", "... 1.000.000 kr. tilføjet"."""
    label = economy_label(kind, year, area)
    if old is None:
        text = _("%(line)s: %(amount)s added") % {"line": label, "amount": describe_amount(new)}
        return ChangeEntry(label, empty(), describe_amount(new), who, when, Kind.ECONOMY, text)
    if new is None:
        text = _("%(line)s: %(amount)s removed") % {"line": label, "amount": describe_amount(old)}
        return ChangeEntry(label, describe_amount(old), empty(), who, when, Kind.ECONOMY, text)
    change = amount_change(label, old, new)
    return ChangeEntry(label, change.old, change.new, who, when, Kind.ECONOMY, str(change))


def principle_change(name: str, old: str | None, new: str | None, *, who=None, when=None):
    """A principle claimed, dropped or argued anew; the justification in full."""
    if old is None:
        text = _("Principle added: %(principle)s") % {"principle": name}
    elif new is None:
        text = _("Principle removed: %(principle)s") % {"principle": name}
    else:
        text = _("Justification for the principle %(principle)s changed") % {"principle": name}
    return ChangeEntry(
        _("Principle “%(name)s”") % {"name": name},
        old or "",
        new or "",
        who,
        when,
        Kind.PRINCIPLE,
        text,
        long=True,
    )


def economy_entries(records) -> list[ChangeEntry]:
    """Economy line history records (oldest first) as changes."""
    changes = row_changes(records, key=economy_key, same=lambda a, b: a.amount == b.amount)
    return [
        economy_change(
            c.key[0],
            c.key[1],
            c.old.amount if c.old is not None else None,
            c.new.amount if c.new is not None else None,
            area=c.key[2],
            who=c.actor,
            when=c.time,
        )
        for c in changes
    ]


# What makes an economy line the same line to the reader (and in the database).
ECONOMY_KEY_FIELDS = ["kind", "year", "styringsomraade"]


def economy_key(record) -> tuple:
    return tuple(getattr(record, name, None) for name in ECONOMY_KEY_FIELDS)


def principle_entries(records, name=None) -> list[ChangeEntry]:
    """Principle link history records (oldest first) as changes."""
    name = name or (lambda record: linked_name(record.principle))
    changes = row_changes(
        records,
        key=lambda r: (r.principle_id,),
        same=lambda a, b: a.justification == b.justification,
    )
    return [
        principle_change(
            name(c.new or c.old),
            c.old.justification if c.old is not None else None,
            c.new.justification if c.new is not None else None,
            who=c.actor,
            when=c.time,
        )
        for c in changes
    ]


# A case as it stood at one version (the edit-conflict message) ----------------------


@dataclass
class CaseSnapshot:
    """A case as it stood at one version: its fields, links and economy."""

    fields: dict
    m2m: dict[str, set[int]]
    principles: dict[int, str]
    economy: dict[tuple, int]


def current_snapshot(case, field_names, m2m_names) -> CaseSnapshot:
    return CaseSnapshot(
        fields={name: getattr(case, name) for name in field_names},
        m2m={name: set(getattr(case, name).values_list("pk", flat=True)) for name in m2m_names},
        principles=dict(case.principle_links.values_list("principle_id", "justification")),
        economy={
            snapshot_key(line.kind, line.year, line.styringsomraade): line.amount
            for line in case.economy_lines.all()
        },
    )


def snapshot_key(kind, year, area) -> tuple:
    """A service line keeps the ``(kind, year)`` key the case form uses; a capital
    (anlæg) line adds its styringsområde, so the two lines of one year differ."""
    if area == "anlaeg":
        return (kind, year, area)
    return (kind, year)


def case_snapshot(case, version: int, field_names) -> CaseSnapshot | None:
    """The case as it was saved at ``version``, read back from its history.

    The last history record of that version holds its fields and many-to-many
    links; the economy lines and principles are those written before the
    first record of the next version. None if the history does not reach back.
    """
    from .models import CaseEconomyLine, CasePrinciple

    records = case.history.filter(version=version).order_by("-history_date", "-history_id")
    record = records.first()
    if record is None:
        return None
    following = (
        case.history.filter(version__gt=version).order_by("history_date", "history_id").first()
    )
    boundary = following.history_date if following else None

    def rows_before(model):
        rows = model.history.filter(case_id=case.pk)
        if boundary is not None:
            rows = rows.filter(history_date__lt=boundary)
        latest = {}
        for row in rows.order_by("history_date", "history_id"):
            latest[row.id] = row
        return [row for row in latest.values() if row.history_type != "-"]

    related_name = {
        "participating_departments": "department_id",
        "themes": "theme_id",
        "potentials": "potential_id",
    }
    return CaseSnapshot(
        fields={name: getattr(record, name) for name in field_names},
        m2m={
            name: set(getattr(record, name).values_list(column, flat=True))
            for name, column in related_name.items()
        },
        principles={row.principle_id: row.justification for row in rows_before(CasePrinciple)},
        economy={
            snapshot_key(row.kind, row.year, row.styringsomraade): row.amount
            for row in rows_before(CaseEconomyLine)
        },
    )


def saved_since(case, version: int):
    """Who saved ``case`` after ``version`` (users in order, None for the system) and
    when it was last saved (None if nobody did)."""
    later = case.history.filter(version__gt=version).select_related("history_user")
    people, changed_at = [], None
    for record in later.order_by("history_date", "history_id"):
        people.append(record.history_user)
        changed_at = record.history_date
    return people, changed_at
