"""A case's timeline in plain Danish: what changed, who changed it, and when.

It mixes the state changes (the transitions governance writes, read through
the ``transitions`` related name) with the history that django-simple-history
keeps of the case, its many-to-many links, its economy lines and its
principles, read through ``portfolio.history`` (the audit log reads it the same
way). One query per history table, whatever the number of rows.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .changes import shown_case_fields, state_change, transition_comment
from .history import (
    ChangeEntry,
    Kind,
    economy_entries,
    field_changes,
    link_changes,
    principle_entries,
)
from .models import CaseEconomyLine, CasePrinciple, InvestmentCase


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


def _entry(change: ChangeEntry, comment: str = "") -> TimelineEntry:
    return TimelineEntry(change.when, change.who, str(change), change.kind, comment)


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
            entries += [
                _entry(change)
                for change in field_changes(
                    fields, previous, record, value=_value,
                    who=record.history_user, when=record.history_date,
                )
            ]
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
            objects[target_id] = getattr(row, target)
        previous: set[int] = set()
        for record in records:
            current = snapshots.get(record.history_id, set())
            entries += [
                _entry(change)
                for change in link_changes(
                    m2m_field, previous, current, objects,
                    who=record.history_user, when=record.history_date,
                )
            ]
            previous = current
    return entries


# Rows that belong to the case: economy lines and principles ----------------


def _economy_entries(case: InvestmentCase) -> list[TimelineEntry]:
    records = (
        CaseEconomyLine.history.filter(case_id=case.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    return [_entry(change) for change in economy_entries(records)]


def _principle_entries(case: InvestmentCase) -> list[TimelineEntry]:
    records = (
        CasePrinciple.history.filter(case_id=case.pk)
        .select_related("history_user", "principle")
        .order_by("history_date", "history_id")
    )
    return [_entry(change, change.new) for change in principle_entries(records)]


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
