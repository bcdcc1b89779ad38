"""Use cases that change a department's investment cases.

Every write goes through the model and the ORM row by row, so that
django-simple-history keeps a record of each field, economy line, principle
and many-to-many change with the person who made it.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strategy.models import Potential, Principle, Theme

from . import history
from .changes import (
    Change,
    amount_change,
    economy_label,
    empty,
    field_change,
    linked_name,
    links_change,
)
from .history import CaseSnapshot
from .models import CaseEconomyLine, CasePrinciple, Department, EconomyKind, InvestmentCase
from .permissions import can_create_case, can_edit_case

# The case's own fields that the department writes in the case form.
CASE_FORM_FIELDS = (
    "title",
    "summary",
    "scope",
    "case_type",
    "background",
    "solution",
    "risk_level",
    "risk_text",
    "dependencies",
    "depends_on_it_service_centres",
    "green_requirements",
    "green_text",
    "contact_name",
    "contact_email",
)
CASE_M2M_FIELDS = ("participating_departments", "themes", "potentials")

EconomyKey = tuple[str, int | None]


@dataclass
class CaseData:
    """What a department writes about a case, as the case form hands it over.

    ``fields`` holds the case's own fields (any of ``CASE_FORM_FIELDS``);
    ``principles`` maps a principle's pk to the justification (empty = the case
    does not claim it); ``economy`` maps ``(kind, year)`` to whole kroner with
    gains already negative, ``year`` None for the permanent effect, and
    ``None`` as amount for an empty cell. A key absent from ``economy`` or
    ``principles`` is left as it is.
    """

    fields: dict = field(default_factory=dict)
    participating_departments: Iterable | None = None
    themes: Iterable | None = None
    potentials: Iterable | None = None
    principles: dict[int, str] = field(default_factory=dict)
    economy: dict[EconomyKey, int | None] = field(default_factory=dict)


class CaseConflict(Exception):
    """Someone else saved the case after the form was loaded.

    Carries who changed it, when, what they changed, and the version the
    form must be saved against next time.
    """

    def __init__(self, *, changed_by: list[str], changed_at, changes: list[Change],
                 current_version: int):
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.changes = changes
        self.current_version = current_version
        super().__init__(f"case changed by {', '.join(changed_by)} to version {current_version}")


def case_create(*, actor, cycle, data: CaseData) -> InvestmentCase:
    """A department user starts a draft for their own department in ``cycle``.

    The price level is the cycle's budget year; the draft may be incomplete.
    """
    if not can_create_case(actor):
        raise PermissionDenied
    with transaction.atomic():
        case = InvestmentCase(
            department=actor.department,
            cycle=cycle,
            price_year=cycle.budget_year,
            created_by=actor,
            version=1,
        )
        _write_case(case, actor=actor, data=data, reason=_("Case created"))
    return case


def case_update(*, actor, case_pk: int, expected_version: int, data: CaseData) -> InvestmentCase:
    """Save the department's changes to a draft or returned case.

    Refused with ``CaseConflict`` if the case was saved by anyone since the form
    was loaded at ``expected_version``; nothing is written then. The row is
    locked while the version is compared and the changes are written.
    """
    with transaction.atomic():
        case = InvestmentCase.objects.select_for_update().get(pk=case_pk)
        if not can_edit_case(actor, case):
            raise PermissionDenied
        if case.version != expected_version:
            raise case_conflict(case, expected_version)
        case.version += 1
        _write_case(case, actor=actor, data=data, reason=_("Case edited"))
    return case


def _write_case(case: InvestmentCase, *, actor, data: CaseData, reason: str) -> None:
    # The case row first: its history record of the new version then comes
    # before the economy lines and principles of that version, which is what
    # ``case_snapshot`` relies on to tell versions apart.
    for name, value in data.fields.items():
        if name not in CASE_FORM_FIELDS:
            raise ValueError(f"{name} is not a case form field")
        setattr(case, name, value)
    case.full_clean()
    case._history_user = actor
    case._change_reason = reason
    case.save()
    for name in CASE_M2M_FIELDS:
        values = getattr(data, name)
        if values is not None:
            getattr(case, name).set(values)
    for principle_id, justification in data.principles.items():
        _write_principle(case, principle_id, (justification or "").strip(), actor, reason)
    for (kind, year), amount in data.economy.items():
        _write_economy_line(case, kind, year, amount, actor, reason)


def _write_principle(case, principle_id, justification, actor, reason) -> None:
    link = CasePrinciple.objects.filter(case=case, principle_id=principle_id).first()
    if not justification:
        if link is not None:
            _stamp(link, actor, reason)
            link.delete()
        return
    if link is None:
        link = CasePrinciple(case=case, principle_id=principle_id)
    elif link.justification == justification:
        return
    link.justification = justification
    link.full_clean()
    _stamp(link, actor, reason)
    link.save()


def _write_economy_line(case, kind, year, amount, actor, reason) -> None:
    line = CaseEconomyLine.objects.filter(case=case, kind=kind, year=year).first()
    if amount is None:
        if line is not None:
            _stamp(line, actor, reason)
            line.delete()
        return
    if line is None:
        line = CaseEconomyLine(case=case, kind=kind, year=year)
    elif line.amount == amount:
        return
    line.amount = amount
    line.full_clean()
    _stamp(line, actor, reason)
    line.save()


def _stamp(obj, actor, reason) -> None:
    obj._history_user = actor
    obj._change_reason = reason


# --- What changed between two versions -------------------------------------------------


def current_snapshot(case: InvestmentCase) -> CaseSnapshot:
    return history.current_snapshot(case, CASE_FORM_FIELDS, CASE_M2M_FIELDS)


def case_snapshot(case: InvestmentCase, version: int) -> CaseSnapshot | None:
    """The case as it was saved at ``version``, read back from its history (None if the
    history does not reach back)."""
    return history.case_snapshot(case, version, CASE_FORM_FIELDS)


def case_conflict(case: InvestmentCase, expected_version: int) -> CaseConflict:
    """Describe what was saved to ``case`` since ``expected_version``, and by whom."""
    people, changed_at = history.saved_since(case, expected_version)
    people = [str(person) if person else _("someone") for person in people]
    people = list(dict.fromkeys(people))
    before = case_snapshot(case, expected_version)
    changes = describe_changes(before, current_snapshot(case)) if before else []
    return CaseConflict(
        changed_by=people or [_("someone")],
        changed_at=changed_at or timezone.now(),
        changes=changes,
        current_version=case.version,
    )


def describe_changes(before: CaseSnapshot, after: CaseSnapshot) -> list[Change]:
    """The differences between two snapshots, in the words of the case form.

    Long texts are shortened, and gains are shown positive as the form has them.
    """
    meta = InvestmentCase._meta
    changes: list[Change] = []
    for name in CASE_FORM_FIELDS:
        old, new = before.fields.get(name), after.fields.get(name)
        if old != new:
            change = field_change(meta.get_field(name), old, new)
            changes.append(Change(change.label, _shorten(change.old), _shorten(change.new)))
    models_by_m2m = {
        "participating_departments": Department,
        "themes": Theme,
        "potentials": Potential,
    }
    for name, model in models_by_m2m.items():
        old_ids, new_ids = before.m2m.get(name, set()), after.m2m.get(name, set())
        if old_ids != new_ids:
            objects = model.objects.in_bulk(old_ids | new_ids)
            changes.append(links_change(meta.get_field(name), old_ids, new_ids, objects))
    principle_ids = set(before.principles) | set(after.principles)
    principles = {p.pk: p for p in Principle.objects.filter(pk__in=principle_ids)}
    for pk in sorted(principle_ids):
        old, new = before.principles.get(pk, ""), after.principles.get(pk, "")
        if old != new:
            changes.append(
                Change(
                    label=_("Principle “%(name)s”") % {"name": linked_name(principles.get(pk))},
                    old=_shorten(old) or empty(),
                    new=_shorten(new) or empty(),
                )
            )
    kind_order = {kind.value: index for index, kind in enumerate(EconomyKind)}
    keys = set(before.economy) | set(after.economy)
    for kind, year in sorted(
        keys, key=lambda k: (kind_order.get(k[0], 9), k[1] is None, k[1] or 0)
    ):
        old, new = before.economy.get((kind, year)), after.economy.get((kind, year))
        if old != new:
            changes.append(
                amount_change(
                    economy_label(kind, year),
                    abs(old) if old is not None else None,
                    abs(new) if new is not None else None,
                )
            )
    return changes


def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
