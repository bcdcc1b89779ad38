"""Use cases that change a department's investment cases.

Every write goes through the model and the ORM, row by row or (a case's
economy lines) in bulk with simple-history's bulk helpers, so that
django-simple-history keeps a record of each field, economy line, principle
and many-to-many change with the person who made it.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, transaction
from django.db.models.signals import post_save
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

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
from .economy import cell_name
from .history import CaseSnapshot
from .models import (
    ANLAEG_KINDS,
    CaseEconomyLine,
    CasePrinciple,
    Department,
    EconomyKind,
    InvestmentCase,
    Styringsomraade,
)
from .permissions import can_create_case, can_edit_case, is_secretariat

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

# Change reasons are stored with the history: in the site's language, not the
# language of the request that caused them.
CASE_CREATED = gettext_lazy("Case created")
CASE_EDITED = gettext_lazy("Case edited")


def _in_site_language(message) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)


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


def case_create(*, actor, cycle, data: CaseData, form_token=None, department=None,
                reason: str = "") -> InvestmentCase:
    """A department user starts a draft for their own department in ``cycle``.

    The price level is the cycle's budget year; the draft may be incomplete.
    ``form_token`` is the new-case form's one-time token: a second request with
    the same token creates nothing and returns the case the first one created.
    The secretariat may create a draft for ``department`` (a spreadsheet import).
    """
    if department is not None and is_secretariat(actor):
        owner = department
    elif can_create_case(actor) and department in (None, actor.department):
        owner = actor.department
    else:
        raise PermissionDenied
    if form_token is not None:
        existing = _created_with(form_token, actor)
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            case = InvestmentCase(
                department=owner,
                cycle=cycle,
                price_year=cycle.budget_year,
                created_by=actor,
                version=1,
                form_token=form_token,
            )
            _write_case(
                case, actor=actor, data=data,
                reason=reason or _in_site_language(CASE_CREATED),
            )
    except IntegrityError:
        # Two requests with one token at the same moment: the unique index let
        # one of them in; this one answers with that case.
        existing = _created_with(form_token, actor) if form_token is not None else None
        if existing is None:
            raise
        return existing
    return case


def _created_with(form_token, actor) -> InvestmentCase | None:
    case = InvestmentCase.objects.filter(form_token=form_token).first()
    if case is not None and case.created_by_id != actor.pk:
        # Someone else's token: not a repeat of this person's form.
        raise PermissionDenied
    return case


def case_update(*, actor, case_pk: int, expected_version: int, data: CaseData,
                reason: str = "", secretariat_import: bool = False) -> InvestmentCase:
    """Save the department's changes to a draft or returned case.

    Refused with ``CaseConflict`` if the case was saved by anyone since the form
    was loaded at ``expected_version``; nothing is written then. The row is
    locked while the version is compared and the changes are written. The
    secretariat may change a draft or returned case of any department through a
    spreadsheet import (``secretariat_import``; ``reason`` says so in the history).
    """
    with transaction.atomic():
        case = InvestmentCase.objects.select_for_update().get(pk=case_pk)
        may_import = secretariat_import and is_secretariat(actor) and case.is_editable
        if not (can_edit_case(actor, case) or may_import):
            raise PermissionDenied
        if case.version != expected_version:
            raise case_conflict(case, expected_version)
        case.version += 1
        _write_case(
            case, actor=actor, data=data, reason=reason or _in_site_language(CASE_EDITED)
        )
    return case


def _write_case(case: InvestmentCase, *, actor, data: CaseData, reason: str) -> None:
    # The case row first: its history record of the new version then comes
    # before the economy lines and principles of that version, which is what
    # ``case_snapshot`` relies on to tell versions apart.
    for name, value in data.fields.items():
        if name not in CASE_FORM_FIELDS:
            raise ValueError(f"{name} is not a case form field")
        setattr(case, name, value)
    # The form token's uniqueness is left to the index: a repeat that checks
    # while the first request commits must reach case_create's IntegrityError
    # branch (and get the first case), not a validation error.
    case.full_clean(exclude=["form_token"])
    case._history_user = actor
    case._change_reason = reason
    # One save is one version: simple-history would write a record for the row
    # and another for every add and remove on each many-to-many field (six for
    # an edit of three). History is held back while the row and its links are
    # written, then the post_save signal Django sent for the row is sent once
    # more with history on, and simple-history records the case as it now is.
    created = case.pk is None
    case.skip_history_when_saving = True
    try:
        case.save()
        for name in CASE_M2M_FIELDS:
            values = getattr(data, name)
            if values is not None:
                getattr(case, name).set(values)
    finally:
        del case.skip_history_when_saving
    post_save.send(sender=InvestmentCase, instance=case, created=created, update_fields=None,
                   raw=False, using=case._state.db)
    for principle_id, justification in data.principles.items():
        _write_principle(case, principle_id, (justification or "").strip(), actor, reason)
    if data.economy:
        _write_economy(case, data.economy, actor=actor, reason=reason, created=created)


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


def _economy_key(key) -> tuple[str, int | None, str]:
    """``(kind, year)`` is the service line; ``(kind, year, styringsområde)`` names it."""
    if len(key) == 3:
        return key
    kind, year = key
    return kind, year, Styringsomraade.SERVICE


def _write_economy(case, economy: dict, *, actor, reason: str, created: bool) -> None:
    """Write a case's economy cells: a line for every amount, none for an empty cell.

    Every line is checked before anything is written (as ``full_clean`` checks it,
    without a query per constraint); then the new lines and the changed ones are
    written in bulk with their history records (one ``+`` or ``~`` record per line,
    by ``actor`` with ``reason``, as a save of each line would write them). A few
    queries a case, however many cells: the import of hundreds of cases with
    thousands of lines depends on it. A cleared cell deletes its line row by row
    (simple-history records a deletion only through the row's own ``delete``).
    """
    wanted: dict[tuple[str, int | None, str], int | None] = {}
    for key, amount in economy.items():
        kind, year, area = _economy_key(key)
        # Two spellings of one line ((kind, year) and (kind, year, "service")): the last
        # one counts, as when each was written in turn.
        wanted[(str(kind), year, str(area or Styringsomraade.SERVICE))] = amount
    existing = {} if created else {
        (line.kind, line.year, line.styringsomraade): line
        for line in CaseEconomyLine.objects.filter(case=case)
    }
    to_delete, to_create, to_update = [], [], []
    for (kind, year, area), amount in wanted.items():
        line = existing.get((kind, year, area))
        if amount is None:
            if line is not None:
                to_delete.append(line)
            continue
        if line is None:
            line = CaseEconomyLine(case=case, kind=kind, year=year, styringsomraade=area)
            to_create.append(line)
        elif line.amount == amount:
            continue
        else:
            to_update.append(line)
        line.amount = amount
        _check_economy_line(line, cell_name(kind, year, area))
    for line in to_delete:
        _stamp(line, actor, reason)
        line.delete()
    for line in to_create + to_update:
        _stamp(line, actor, reason)
    try:
        if to_create:
            bulk_create_with_history(to_create, CaseEconomyLine)
        if to_update:
            bulk_update_with_history(to_update, CaseEconomyLine, ["amount"])
    except (DataError, OverflowError) as error:
        # The database's own limit, should an amount pass every check above. The
        # caller's transaction is rolled back; the message lands on the cell.
        line = next((line for line in to_create + to_update
                     if not DATABASE_MIN_INTEGER <= line.amount <= DATABASE_MAX_INTEGER),
                    (to_create + to_update)[0])
        raise ValidationError(
            {cell_name(line.kind, line.year, line.styringsomraade):
             [_("The database cannot store an amount this large.")]}
        ) from error


# A BigIntegerField's range (64 bits), the database's limit of an amount.
DATABASE_MIN_INTEGER, DATABASE_MAX_INTEGER = -(2**63), 2**63 - 1


def _check_economy_line(line: CaseEconomyLine, cell: str) -> None:
    """``line.full_clean()`` without its queries; a refusal names the form's ``cell``.

    The fields and ``clean`` (the ceiling) are checked by Django as always; the
    model's check constraints are checked here in Python, with their own messages,
    where ``full_clean`` would send a query for each. Skipped as ``full_clean``
    skips them: the case (just saved or locked, so it exists), the primary key and
    the unique constraints, which hold because a case's lines are looked up by
    ``(kind, year, styringsområde)`` before one is created (the database's unique
    indexes still guard them).
    """
    messages: list[str] = []
    failed: set[str] = set()
    try:
        line.full_clean(exclude=["case"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        messages += error.messages
        failed = set(error.message_dict)
    constraints = {c.name: c for c in CaseEconomyLine._meta.constraints}
    # As full_clean does: a constraint on a field that already failed is not checked.
    if not failed & {"kind", "amount"}:
        signed = line.amount <= 0 if line.kind == EconomyKind.GAIN else line.amount >= 0
        if not signed:
            messages.append(
                constraints["economyline_sign_by_kind"].get_violation_error_message()
            )
    if not failed & {"kind", "styringsomraade"}:
        if not (line.styringsomraade == Styringsomraade.SERVICE or line.kind in ANLAEG_KINDS):
            messages.append(
                constraints["economyline_anlaeg_only_investment"].get_violation_error_message()
            )
    if messages:
        raise ValidationError({cell: messages})


def _stamp(obj, actor, reason) -> None:
    obj._history_user = actor
    obj._change_reason = reason


def case_note_code_assign(*, actor, case: InvestmentCase) -> str:
    """Give a case its budget-note code: the department's prefix and the next free
    number in the case's cycle ("BI12"), unless it already has a code no other
    case of the cycle has. Called when the secretariat qualifies the case.

    The department row is locked so that two cases qualified at once do not
    get the same number.
    """
    with transaction.atomic():
        given = case
        case = InvestmentCase.objects.select_for_update().get(pk=given.pk)
        department = Department.objects.select_for_update().get(pk=case.department_id)
        prefix = department.note_prefix
        taken = InvestmentCase.objects.filter(cycle_id=case.cycle_id).exclude(pk=case.pk)
        codes = set(taken.exclude(note_code="").values_list("note_code", flat=True))
        if case.note_code and case.note_code not in codes:
            given.note_code = case.note_code
            return case.note_code
        pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
        numbers = [int(m.group(1)) for code in codes if (m := pattern.match(code))]
        case.note_code = f"{prefix}{max(numbers, default=0) + 1}"
        case.full_clean()
        _stamp(case, actor, _("Budget note code %(code)s") % {"code": case.note_code})
        case.save(update_fields=["note_code"])
    # The caller's copy (a transition saving the same row) keeps the code too.
    given.note_code = case.note_code
    return case.note_code


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
    changed_principles = [
        pk for pk in sorted(set(before.principles) | set(after.principles))
        if before.principles.get(pk, "") != after.principles.get(pk, "")
    ]
    # Only the principles that changed are named (no query when none did: the
    # import's dry run describes hundreds of rows).
    principles = Principle.objects.in_bulk(changed_principles) if changed_principles else {}
    for pk in changed_principles:
        old, new = before.principles.get(pk, ""), after.principles.get(pk, "")
        changes.append(
            Change(
                label=_("Principle “%(name)s”") % {"name": linked_name(principles.get(pk))},
                old=_shorten(old) or empty(),
                new=_shorten(new) or empty(),
            )
        )
    kind_order = {kind.value: index for index, kind in enumerate(EconomyKind)}
    keys = set(before.economy) | set(after.economy)
    for key in sorted(
        keys, key=lambda k: (kind_order.get(k[0], 9), k[1] is None, k[1] or 0, len(k))
    ):
        kind, year = key[0], key[1]
        old, new = before.economy.get(key), after.economy.get(key)
        if old != new:
            label = economy_label(kind, year, key[2] if len(key) == 3 else None)
            changes.append(
                amount_change(
                    label,
                    abs(old) if old is not None else None,
                    abs(new) if new is not None else None,
                )
            )
    return changes


def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
