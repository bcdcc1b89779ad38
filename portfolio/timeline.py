"""A case's timeline in plain Danish: what changed, who changed it, and when.

It mixes the state changes (the transitions governance writes, read through
the ``transitions`` related name) with the history that django-simple-history
keeps of the case, its many-to-many links, its economy lines and its
principles. One query per history table, whatever the number of rows.
"""

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _

from .changes import (
    amount_change,
    describe_amount,
    economy_label,
    field_change,
    field_label,
    link_text,
    linked_name,
    shown_case_fields,
    state_change,
    transition_comment,
)
from .models import CaseEconomyLine, CasePrinciple, InvestmentCase

# When a form saves by deleting a row and creating it again, the two history
# rows are one change to the reader.
MERGE_WINDOW = datetime.timedelta(seconds=5)


class Kind:
    CREATED = "created"
    STATE = "state"
    FIELD = "field"
    RELATION = "relation"
    ECONOMY = "economy"
    PRINCIPLE = "principle"


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened to a case."""

    time: datetime.datetime
    actor: object  # a User, or None when the change was made outside a request
    text: str
    kind: str
    comment: str = ""

    @property
    def actor_name(self) -> str:
        if self.actor is None:
            return ""
        return self.actor.get_full_name() or self.actor.username


@dataclass
class TimelineGroup:
    """Entries one person made at one moment, shown under one signature."""

    time: datetime.datetime
    actor: object
    actor_name: str
    entries: list[TimelineEntry] = field(default_factory=list)


def build_timeline(case: InvestmentCase) -> list[TimelineEntry]:
    """Everything that happened to ``case``, newest first."""
    records = list(
        case.history.select_related("history_user", "department", "cycle").order_by(
            "history_date", "history_id"
        )
    )
    entries = [
        *_case_entries(records),
        *_relation_entries(case, records),
        *_economy_entries(case),
        *_principle_entries(case),
        *_transition_entries(case),
    ]
    # Python's sort is stable, also reversed: changes saved together keep their order.
    entries.sort(key=lambda entry: entry.time, reverse=True)
    return entries


def group_timeline(
    entries: list[TimelineEntry], window: datetime.timedelta = datetime.timedelta(minutes=1)
) -> list[TimelineGroup]:
    """Runs of entries by the same person within ``window`` of each other, in order."""
    groups: list[TimelineGroup] = []
    for entry in entries:
        last = groups[-1] if groups else None
        if (
            last is not None
            and last.actor == entry.actor
            and abs(last.entries[-1].time - entry.time) <= window
        ):
            last.entries.append(entry)
        else:
            groups.append(TimelineGroup(entry.time, entry.actor, entry.actor_name, [entry]))
    return groups


# The case's own fields ------------------------------------------------------


def _value(model_field, record):
    if model_field.is_relation and getattr(record, model_field.attname) is not None:
        return getattr(record, model_field.name)
    return getattr(record, model_field.attname)


def _case_entries(records) -> list[TimelineEntry]:
    entries = []
    fields = shown_case_fields()
    previous = None
    for record in records:
        if previous is None:
            if record.history_type != "+":
                # History that starts after the case was made: nothing to compare with.
                previous = record
                continue
            entries.append(
                TimelineEntry(
                    record.history_date,
                    record.history_user,
                    _("Case created: %(title)s") % {"title": record.title},
                    Kind.CREATED,
                )
            )
        else:
            for model_field in fields:
                old = getattr(previous, model_field.attname)
                new = getattr(record, model_field.attname)
                if old == new:
                    continue
                if isinstance(model_field, models.TextField):
                    # A long text is read on the case page, not quoted here.
                    text = _("%(field)s changed") % {"field": field_label(model_field)}
                else:
                    text = str(
                        field_change(
                            model_field, _value(model_field, previous), _value(model_field, record)
                        )
                    )
                entries.append(
                    TimelineEntry(record.history_date, record.history_user, text, Kind.FIELD)
                )
        previous = record
    return entries


# Many-to-many links: themes, potentials, participating departments ----------

def _relation_entries(case: InvestmentCase, records) -> list[TimelineEntry]:
    """Diff the snapshots simple-history keeps of each link with every case history row."""
    history_model = InvestmentCase.history.model
    entries = []
    for m2m_field in history_model._history_m2m_fields:
        m2m_history_model = getattr(history_model, m2m_field.name).model
        target = m2m_field.m2m_reverse_field_name()
        snapshots: dict[int, set[int]] = {}
        objects = {}
        rows = m2m_history_model.objects.filter(
            **{m2m_field.m2m_field_name(): case.pk}
        ).select_related(target)
        for row in rows:
            target_id = getattr(row, f"{target}_id")
            snapshots.setdefault(row.history_id, set()).add(target_id)
            # A theme or department deleted since leaves its id in the history.
            objects[target_id] = linked_name(getattr(row, target))
        previous: set[int] = set()
        for record in records:
            current = snapshots.get(record.history_id, set())
            for added, ids in ((True, current - previous), (False, previous - current)):
                for target_id in sorted(ids, key=lambda pk: str(objects[pk])):
                    entries.append(
                        TimelineEntry(
                            record.history_date,
                            record.history_user,
                            link_text(m2m_field, added, objects[target_id]),
                            Kind.RELATION,
                        )
                    )
            previous = current
    return entries


# Rows that belong to the case: economy lines and principles ----------------


@dataclass
class _RowChange:
    time: datetime.datetime
    actor: object
    key: tuple
    old: object  # the row's history record before, or None when it was created
    new: object  # the row's history record after, or None when it was deleted


def _row_changes(records, key, same) -> list[_RowChange]:
    """Changes of a case's rows from their history, keyed by what the reader sees.

    ``key`` tells which row a record is to the reader (an economy line is its
    kind and year); ``same`` tells whether two records show the same content.
    """
    changes: list[_RowChange] = []
    latest = {}
    for record in records:
        before = latest.get(record.id)
        if record.history_type == "-":
            changes.append(
                _RowChange(
                    record.history_date,
                    record.history_user,
                    key(before or record),
                    before or record,
                    None,
                )
            )
            latest.pop(record.id, None)
            continue
        if before is None:
            changes.append(
                _RowChange(record.history_date, record.history_user, key(record), None, record)
            )
        elif key(before) != key(record):
            changes.append(
                _RowChange(record.history_date, record.history_user, key(before), before, None)
            )
            changes.append(
                _RowChange(record.history_date, record.history_user, key(record), None, record)
            )
        elif not same(before, record):
            changes.append(
                _RowChange(record.history_date, record.history_user, key(record), before, record)
            )
        latest[record.id] = record
    return _merge_replacements(changes, same)


def _merge_replacements(changes: list[_RowChange], same) -> list[_RowChange]:
    """A row deleted and created again (or the other way round) by one person at
    one moment is one change; if nothing differs, it is no change at all."""
    merged: list[_RowChange | None] = []
    for change in changes:
        partner = None
        if change.old is None or change.new is None:
            for i in range(len(merged) - 1, -1, -1):
                other = merged[i]
                if (
                    other is not None
                    and other.key == change.key
                    and other.actor == change.actor
                    and change.time - other.time <= MERGE_WINDOW
                    and (other.old is None) != (change.old is None)
                    and (other.new is None) != (change.new is None)
                ):
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
            merged.append(_RowChange(change.time, change.actor, change.key, old, new))
    return [change for change in merged if change is not None]


def _economy_entries(case: InvestmentCase) -> list[TimelineEntry]:
    records = (
        CaseEconomyLine.history.filter(case_id=case.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    changes = _row_changes(
        records,
        key=lambda r: (r.kind, r.year, r.styringsomraade),
        same=lambda a, b: a.amount == b.amount,
    )
    entries = []
    for change in changes:
        kind, year, area = change.key
        label = economy_label(kind, year)
        if area == "anlaeg":
            label = _("%(line)s (capital)") % {"line": label}
        if change.old is None:
            text = _("%(line)s: %(amount)s added") % {
                "line": label,
                "amount": describe_amount(change.new.amount),
            }
        elif change.new is None:
            text = _("%(line)s: %(amount)s removed") % {
                "line": label,
                "amount": describe_amount(change.old.amount),
            }
        else:
            text = str(amount_change(label, change.old.amount, change.new.amount))
        entries.append(TimelineEntry(change.time, change.actor, text, Kind.ECONOMY))
    return entries


def _principle_entries(case: InvestmentCase) -> list[TimelineEntry]:
    records = (
        CasePrinciple.history.filter(case_id=case.pk)
        .select_related("history_user", "principle")
        .order_by("history_date", "history_id")
    )
    changes = _row_changes(
        records,
        key=lambda r: (r.principle_id,),
        same=lambda a, b: a.justification == b.justification,
    )
    entries = []
    for change in changes:
        record = change.new or change.old
        name = linked_name(record.principle)
        if change.old is None:
            text = _("Principle added: %(principle)s") % {"principle": name}
            comment = change.new.justification
        elif change.new is None:
            text = _("Principle removed: %(principle)s") % {"principle": name}
            comment = ""
        else:
            text = _("Justification for the principle %(principle)s changed") % {"principle": name}
            comment = change.new.justification
        entries.append(TimelineEntry(change.time, change.actor, text, Kind.PRINCIPLE, comment))
    return entries


# State changes ---------------------------------------------------------------


def _transition_entries(case: InvestmentCase) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            transition.created_at,
            transition.actor,
            str(state_change(transition)),
            Kind.STATE,
            transition_comment(transition),
        )
        for transition in case.transitions.select_related("actor").order_by("created_at", "pk")
    ]
