"""The audit log of a cycle: every transition and every recorded change, in plain words.

Reads the transition rows and the simple-history records of the case, its
economy lines, its principle justifications and its many-to-many links, and
turns them into entries (time, user, department, case, what changed). The
query count is constant: each source is read once for the whole cycle, and a
record is compared with the previous record of the same row in memory.
A change is told in the case timeline's words (``portfolio.changes``).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import BudgetCycle, CaseTransition
from portfolio.changes import (
    Change,
    amount_change,
    economy_label,
    field_change,
    field_label,
    linked_name,
    links_change,
    shown_case_fields,
    state_change,
    transition_comment,
)
from portfolio.models import (
    CaseEconomyLine,
    CasePrinciple,
    Department,
    InvestmentCase,
    User,
)
from strategy.models import Potential, Principle, Theme

ENTRY_TRANSITION = "transition"
ENTRY_CREATED = "created"
ENTRY_CHANGED = "changed"
ENTRY_DELETED = "deleted"


@dataclass
class AuditEntry:
    when: datetime.datetime
    user: User | None
    department: Department | None
    case_id: int
    case_title: str
    kind: str
    what: str
    changes: list[Change] = field(default_factory=list)
    comment: str = ""
    # Breaks ties between entries of the same moment: transitions after changes.
    order: tuple = ()

    @property
    def changes_text(self) -> str:
        return "; ".join(str(change) for change in self.changes)


def _in_range(moment: datetime.datetime, date_from, date_to) -> bool:
    day = timezone.localdate(moment)
    return (date_from is None or day >= date_from) and (date_to is None or day <= date_to)


def audit_entries(
    cycle: BudgetCycle,
    *,
    department: Department | None = None,
    user: User | None = None,
    case: InvestmentCase | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> list[AuditEntry]:
    """Every transition and change of the cycle's cases, newest first, filtered."""
    HistoricalCase = InvestmentCase.history.model
    case_records = HistoricalCase.objects.filter(cycle_id=cycle.pk)
    if department is not None:
        case_records = case_records.filter(department_id=department.pk)
    if case is not None:
        case_records = case_records.filter(id=case.pk)
    # The cases in scope, including deleted ones, whose history still names the cycle.
    case_ids = case_records.values("id")

    lookups = {
        Department: {d.pk: d for d in Department.objects.all()},
        BudgetCycle: {c.pk: c for c in BudgetCycle.objects.all()},
        Principle: {p.pk: p for p in Principle.objects.all()},
        Theme: {t.pk: t for t in Theme.objects.all()},
        Potential: {p.pk: p for p in Potential.objects.all()},
    }

    # Every version of the cases in scope: a change is told against the version
    # before it, even when that version is outside the filters.
    records = list(
        HistoricalCase.objects.filter(id__in=case_ids)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    latest = {}
    for record in records:
        latest[record.id] = record

    def case_meta(case_id):
        record = latest.get(case_id)
        if record is None:
            return None, str(case_id)
        return lookups[Department].get(record.department_id), record.title

    def wanted(moment, who_id) -> bool:
        return (user is None or who_id == user.pk) and _in_range(moment, date_from, date_to)

    entries: list[AuditEntry] = []
    entries += _case_entries(records, case_ids, lookups, case_meta, wanted)
    entries += _economy_entries(case_ids, case_meta, wanted)
    entries += _principle_entries(case_ids, lookups, case_meta, wanted)
    entries += _transition_entries(case_ids, case_meta, user, date_from, date_to)
    entries.sort(key=lambda e: (e.when, e.order), reverse=True)
    return entries


def _m2m_snapshots(records, case_ids) -> dict[str, dict[int, frozenset]]:
    """For each many-to-many field, the set of linked ids kept with each case version."""
    HistoricalCase = InvestmentCase.history.model
    history_ids = [r.history_id for r in records]
    # A subquery rather than a list of ids: a cycle can have more versions than
    # a database accepts parameters in one query.
    versions = HistoricalCase.objects.filter(id__in=case_ids).values("history_id")
    snapshots: dict[str, dict[int, frozenset]] = {}
    for m2m_field in InvestmentCase._meta.many_to_many:
        through = apps.get_model(
            HistoricalCase._meta.app_label, f"{HistoricalCase.__name__}_{m2m_field.name}"
        )
        target = next(
            f.attname
            for f in through._meta.fields
            if isinstance(f, models.ForeignKey) and f.related_model is m2m_field.related_model
        )
        linked: dict[int, set] = defaultdict(set)
        for history_id, target_id in through.objects.filter(
            history_id__in=versions
        ).values_list("history_id", target):
            linked[history_id].add(target_id)
        snapshots[m2m_field.name] = {hid: frozenset(linked.get(hid, ())) for hid in history_ids}
    return snapshots


def _case_entries(records, case_ids, lookups, case_meta, wanted) -> list[AuditEntry]:
    fields = shown_case_fields()
    snapshots = _m2m_snapshots(records, case_ids)
    entries = []
    previous = None
    for record in records:
        if previous is not None and previous.id != record.id:
            previous = None
        if wanted(record.history_date, record.history_user_id):
            department, title = case_meta(record.id)
            entry = AuditEntry(
                when=record.history_date,
                user=record.history_user,
                department=department,
                case_id=record.id,
                case_title=title,
                kind=ENTRY_CHANGED,
                what=_("Case changed"),
                comment=record.history_change_reason or "",
                order=(0, record.history_id),
            )
            if record.history_type == "+":
                entry.kind, entry.what = ENTRY_CREATED, _("Case created")
            elif record.history_type == "-":
                entry.kind, entry.what = ENTRY_DELETED, _("Case deleted")
            elif previous is not None:
                entry.changes = _field_changes(fields, previous, record, lookups)
                entry.changes += _m2m_changes(previous, record, snapshots, lookups)
            # A save that changed nothing shown here (e.g. only the state) is not news.
            if entry.kind != ENTRY_CHANGED or entry.changes:
                entries.append(entry)
        previous = record
    return entries


def _field_changes(fields, previous, record, lookups) -> list[Change]:
    changes = []
    for model_field in fields:
        old = getattr(previous, model_field.attname)
        new = getattr(record, model_field.attname)
        if old == new:
            continue
        if model_field.is_relation:
            # Named from the objects read once for the whole log, not row by row.
            objects = lookups.get(model_field.related_model, {})
            old, new = objects.get(old, old), objects.get(new, new)
        changes.append(field_change(model_field, old, new))
    return changes


def _m2m_changes(previous, record, snapshots, lookups) -> list[Change]:
    changes = []
    for m2m_field in InvestmentCase._meta.many_to_many:
        change = links_change(
            m2m_field,
            snapshots[m2m_field.name][previous.history_id],
            snapshots[m2m_field.name][record.history_id],
            lookups.get(m2m_field.related_model, {}),
        )
        if change is not None:
            changes.append(change)
    return changes


def _versions(model, case_ids):
    """Each row's versions in order, with the version before it (or None)."""
    previous = None
    for record in (
        model.history.model.objects.filter(case_id__in=case_ids)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    ):
        if previous is not None and previous.id != record.id:
            previous = None
        yield previous, record
        previous = record


def _row_entry(record, case_meta, what: str, changes: list[Change]) -> AuditEntry:
    department, title = case_meta(record.case_id)
    kind = {"+": ENTRY_CREATED, "-": ENTRY_DELETED}.get(record.history_type, ENTRY_CHANGED)
    return AuditEntry(
        when=record.history_date,
        user=record.history_user,
        department=department,
        case_id=record.case_id,
        case_title=title,
        kind=kind,
        what=what,
        changes=changes,
        comment=record.history_change_reason or "",
        order=(0, record.history_id),
    )


def _economy_entries(case_ids, case_meta, wanted) -> list[AuditEntry]:
    entries = []
    label = field_label(CaseEconomyLine._meta.get_field("amount"))
    for previous, record in _versions(CaseEconomyLine, case_ids):
        if not wanted(record.history_date, record.history_user_id):
            continue
        what = _("Economy: %(line)s") % {"line": economy_label(record.kind, record.year)}
        old, new = _before_after(previous, record, "amount")
        if old == new:
            continue
        changes = [amount_change(label, old, new)]
        entries.append(_row_entry(record, case_meta, what, changes))
    return entries


def _before_after(previous, record, name):
    """A row's value before and after one of its history records; None where it had none."""
    if record.history_type == "+" or previous is None:
        return None, getattr(record, name)
    if record.history_type == "-":
        return getattr(record, name), None
    return getattr(previous, name), getattr(record, name)


def _principle_entries(case_ids, lookups, case_meta, wanted) -> list[AuditEntry]:
    entries = []
    justification = CasePrinciple._meta.get_field("justification")
    for previous, record in _versions(CasePrinciple, case_ids):
        if not wanted(record.history_date, record.history_user_id):
            continue
        principle = linked_name(lookups[Principle].get(record.principle_id))
        what = _("Principle: %(principle)s") % {"principle": principle}
        old, new = _before_after(previous, record, "justification")
        if old == new:
            continue
        changes = [field_change(justification, old, new)]
        entries.append(_row_entry(record, case_meta, what, changes))
    return entries


def _transition_entries(case_ids, case_meta, user, date_from, date_to) -> list[AuditEntry]:
    transitions = CaseTransition.objects.filter(case_id__in=case_ids).select_related("actor")
    if user is not None:
        transitions = transitions.filter(actor=user)
    entries = []
    for transition in transitions:
        if not _in_range(transition.created_at, date_from, date_to):
            continue
        department, title = case_meta(transition.case_id)
        entries.append(
            AuditEntry(
                when=transition.created_at,
                user=transition.actor,
                department=department,
                case_id=transition.case_id,
                case_title=title,
                kind=ENTRY_TRANSITION,
                what=_("Transition"),
                changes=[state_change(transition)],
                comment=transition_comment(transition),
                order=(1, transition.pk),
            )
        )
    return entries

