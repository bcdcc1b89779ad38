"""The audit log of a cycle: every transition and every recorded change, in plain words.

Reads the transition rows and the simple-history records of the case, its
economy lines, its principle justifications and its many-to-many links, and
turns them into entries (time, user, department, case, what changed). The
query count is constant: each source is read once for the whole cycle, and a
record is compared with the previous record of the same row in memory.

The value formatting (``describe_value``, ``field_changes``) is kept small on
purpose so that it can be replaced by the case timeline's formatting.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from governance.models import BudgetCycle, CaseTransition
from kkdigital.lib.money import format_number
from portfolio.models import (
    CaseEconomyLine,
    CasePrinciple,
    CaseState,
    Department,
    EconomyKind,
    InvestmentCase,
    User,
)
from strategy.models import Potential, Principle, Theme

EMPTY = "—"

# Fields of the case that are not shown as changes: bookkeeping, and the state,
# which only the transition services change and whose transition rows say more.
HIDDEN_CASE_FIELDS = {"id", "version", "state", "created_at", "created_by"}

ENTRY_TRANSITION = "transition"
ENTRY_CREATED = "created"
ENTRY_CHANGED = "changed"
ENTRY_DELETED = "deleted"


@dataclass
class Change:
    label: str
    old: str
    new: str

    def __str__(self):
        return f"{self.label}: {self.old} → {self.new}"


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


def describe_value(model_field, value, lookups: dict) -> str:
    """A field value as a person reads it: choice labels, names, Ja/Nej, "—"."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        target = lookups.get(model_field.related_model, {}).get(value)
        return str(target) if target is not None else str(value)
    return str(value)


def field_changes(model, old: dict, new: dict, names, lookups: dict) -> list[Change]:
    """The fields whose value differs between two versions, labelled and formatted."""
    changes = []
    for name in names:
        if old.get(name) == new.get(name):
            continue
        model_field = model._meta.get_field(name)
        changes.append(
            Change(
                label=capfirst(str(model_field.verbose_name)),
                old=describe_value(model_field, old.get(name), lookups),
                new=describe_value(model_field, new.get(name), lookups),
            )
        )
    return changes


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
    field_names = [
        f.name
        for f in InvestmentCase._meta.concrete_fields
        if f.name not in HIDDEN_CASE_FIELDS and f.attname != "updated_at"
    ]
    attnames = {name: InvestmentCase._meta.get_field(name).attname for name in field_names}
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
                old = {n: getattr(previous, attnames[n]) for n in field_names}
                new = {n: getattr(record, attnames[n]) for n in field_names}
                entry.changes = field_changes(InvestmentCase, old, new, field_names, lookups)
                entry.changes += _m2m_changes(previous, record, snapshots, lookups)
            # A save that changed nothing shown here (e.g. only the state) is not news.
            if entry.kind != ENTRY_CHANGED or entry.changes:
                entries.append(entry)
        previous = record
    return entries


def _m2m_changes(previous, record, snapshots, lookups) -> list[Change]:
    changes = []
    for m2m_field in InvestmentCase._meta.many_to_many:
        before = snapshots[m2m_field.name][previous.history_id]
        after = snapshots[m2m_field.name][record.history_id]
        if before == after:
            continue
        names = lookups.get(m2m_field.related_model, {})

        def describe(ids, names=names):
            return ", ".join(sorted(str(names.get(i, i)) for i in ids)) or EMPTY

        changes.append(
            Change(capfirst(str(m2m_field.verbose_name)), describe(before), describe(after))
        )
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
    for previous, record in _versions(CaseEconomyLine, case_ids):
        if not wanted(record.history_date, record.history_user_id):
            continue
        year = record.year if record.year is not None else _("permanent")
        what = _("Economy: %(kind)s %(year)s") % {
            "kind": EconomyKind(record.kind).label if record.kind in EconomyKind.values
            else record.kind,
            "year": year,
        }
        label = capfirst(str(CaseEconomyLine._meta.get_field("amount").verbose_name))
        if record.history_type == "+" or previous is None:
            old, new = EMPTY, format_number(record.amount)
        elif record.history_type == "-":
            old, new = format_number(record.amount), EMPTY
        else:
            old, new = format_number(previous.amount), format_number(record.amount)
        if old == new:
            continue
        changes = [Change(label, old, new)]
        entries.append(_row_entry(record, case_meta, what, changes))
    return entries


def _principle_entries(case_ids, lookups, case_meta, wanted) -> list[AuditEntry]:
    entries = []
    label = capfirst(str(CasePrinciple._meta.get_field("justification").verbose_name))
    for previous, record in _versions(CasePrinciple, case_ids):
        if not wanted(record.history_date, record.history_user_id):
            continue
        principle = lookups[Principle].get(record.principle_id, record.principle_id)
        what = _("Principle: %(principle)s") % {"principle": principle}
        if record.history_type == "+" or previous is None:
            old, new = EMPTY, record.justification
        elif record.history_type == "-":
            old, new = record.justification, EMPTY
        else:
            old, new = previous.justification, record.justification
        if old == new:
            continue
        changes = [Change(label, old or EMPTY, new or EMPTY)]
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
        comment = transition.comment
        if transition.phase_override_reason:
            comment = (
                f"{comment}\n" if comment else ""
            ) + _("Outside the phase because: %(reason)s") % {
                "reason": transition.phase_override_reason
            }
        entries.append(
            AuditEntry(
                when=transition.created_at,
                user=transition.actor,
                department=department,
                case_id=transition.case_id,
                case_title=title,
                kind=ENTRY_TRANSITION,
                what=_("Transition"),
                changes=[
                    Change(
                        capfirst(str(InvestmentCase._meta.get_field("state").verbose_name)),
                        _state_label(transition.from_state),
                        _state_label(transition.to_state),
                    )
                ],
                comment=comment,
                order=(1, transition.pk),
            )
        )
    return entries


def _state_label(state: str) -> str:
    return str(CaseState(state).label) if state in CaseState.values else state
