"""The annual cycle: creating next year's cycle, dating its phases, and carrying
deferred cases over into the next intake.

Every function here changes state, runs in one transaction and checks that
the actor is the secretariat, whoever calls it (view, command or task).
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from governance.models import BudgetCycle, Phase, PhaseKind, default_phase_windows
from governance.permissions import is_secretariat
from kkdigital.lib.errors import ServiceError
from portfolio.models import CaseState, InvestmentCase

# The phases of the process in the order they follow each other in a year.
PROCESS_ORDER = [
    PhaseKind.INTAKE,
    PhaseKind.QUALIFICATION,
    PhaseKind.PRIORITISATION,
    PhaseKind.TRANSFER_CASE,
    PhaseKind.BUDGET_NEGOTIATIONS,
]
# All phases in the order the annual cycle shows them.
PHASE_ORDER = [*PROCESS_ORDER, PhaseKind.FOLLOW_UP_MAY, PhaseKind.FOLLOW_UP_NOVEMBER]

# Texts stored in the database, in the site's language (see _in_default_language).
CARRIED_OVER_COMMENT = gettext_noop("Carried over from %(from)s to %(to)s")
CYCLE_CREATED_REASON = gettext_noop("Created by the secretariat")
PHASES_CHANGED_REASON = gettext_noop("Phase dates changed by the secretariat")


class CycleError(ServiceError):
    """A cycle action that cannot be done; the message is for the user."""


def phase_sort_key(phase: Phase) -> int:
    return PHASE_ORDER.index(phase.kind)


def next_budget_year(today: datetime.date | None = None) -> int:
    """The budget year of the cycle to create next: one after the latest.

    Without any cycle it is next year's budget, whose intake runs this year.
    """
    latest = BudgetCycle.objects.order_by("-budget_year").values_list("budget_year", flat=True)
    latest = latest.first()
    if latest is None:
        return (today or timezone.localdate()).year + 1
    return latest + 1


def _day(value: datetime.date) -> str:
    return date_format(value, "j. F Y")


def phase_schedule_problems(
    budget_year: int, dates: dict[str, tuple[datetime.date | None, datetime.date | None]]
) -> dict[str, dict[str, list[str]]]:
    """What is wrong with a cycle's phase dates, by phase kind and field.

    The rule for the annual cycle: a phase does not end before it starts; the
    steps of the process (intake, qualification, prioritisation, transfer case,
    budget negotiations) neither start nor end before the step before them;
    the budget negotiations end before the budget year begins; the follow-ups
    come after the budget negotiations, November's after May's. Every date lies
    within the two years before and the year after the budget year, which
    catches a mistyped year. ``dates`` maps a kind to (starts_on, ends_on);
    a missing date is skipped (the form has said so already).
    """
    problems: dict[str, dict[str, list[str]]] = {}

    def problem(kind, field, message, **params):
        problems.setdefault(kind, {}).setdefault(field, []).append(str(message % params))

    def label(kind):
        return PhaseKind(kind).label

    earliest = datetime.date(budget_year - 2, 1, 1)
    latest = datetime.date(budget_year + 1, 12, 31)
    for kind, (starts, ends) in dates.items():
        for field, value in (("starts_on", starts), ("ends_on", ends)):
            if value is not None and not earliest <= value <= latest:
                problem(
                    kind,
                    field,
                    _("Choose a date between %(earliest)s and %(latest)s."),
                    earliest=_day(earliest),
                    latest=_day(latest),
                )
        if starts and ends and ends < starts:
            problem(kind, "ends_on", _("The phase cannot end before it starts."))

    for previous, kind in zip(PROCESS_ORDER, PROCESS_ORDER[1:], strict=False):
        if previous not in dates or kind not in dates:
            continue
        prev_starts, prev_ends = dates[previous]
        starts, ends = dates[kind]
        if prev_starts and starts and starts < prev_starts:
            problem(
                kind,
                "starts_on",
                _("Cannot start before “%(phase)s” starts (%(date)s)."),
                phase=label(previous),
                date=_day(prev_starts),
            )
        if prev_ends and ends and ends < prev_ends:
            problem(
                kind,
                "ends_on",
                _("Cannot end before “%(phase)s” ends (%(date)s)."),
                phase=label(previous),
                date=_day(prev_ends),
            )

    negotiations_ends = dates.get(PhaseKind.BUDGET_NEGOTIATIONS, (None, None))[1]
    if negotiations_ends and negotiations_ends.year >= budget_year:
        problem(
            PhaseKind.BUDGET_NEGOTIATIONS,
            "ends_on",
            _("The budget negotiations must end before the budget year %(year)s begins."),
            year=budget_year,
        )
    for before, kind in (
        (PhaseKind.BUDGET_NEGOTIATIONS, PhaseKind.FOLLOW_UP_MAY),
        (PhaseKind.FOLLOW_UP_MAY, PhaseKind.FOLLOW_UP_NOVEMBER),
    ):
        before_ends = dates.get(before, (None, None))[1]
        starts = dates.get(kind, (None, None))[0]
        if before_ends and starts and starts <= before_ends:
            problem(
                kind,
                "starts_on",
                _("Must start after “%(phase)s” ends (%(date)s)."),
                phase=label(before),
                date=_day(before_ends),
            )
    return problems


def _require_secretariat(actor) -> None:
    if not is_secretariat(actor):
        raise PermissionDenied("Only the secretariat manages the annual cycle.")


def _in_default_language(message, **params) -> str:
    """A text stored in the database: written in the site's language (Danish),
    whatever language the actor reads the site in."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(message) % {key: str(value) for key, value in params.items()}


def case_carry_over(*, actor, case: InvestmentCase, to_cycle: BudgetCycle) -> InvestmentCase:
    """Move a deferred or not recommended case into a later cycle's intake.

    The same case row moves, so its history, economy and timeline stay: it
    becomes a draft of its department in ``to_cycle``, remembers the cycle it
    came from, and keeps its price level (the amounts are in that level). It
    goes through the transition path (the table's row "carry_over"), which
    writes the transition and the history row and tells the department to
    update the case's economy for the new years.
    """
    # Imported here: the workflow services import this module's neighbours.
    from governance.services.workflow import TransitionError, _transition
    from governance.workflow import table

    def later_cycle(locked):
        if to_cycle.budget_year <= locked.cycle.budget_year:
            raise CycleError(
                _("“%(case)s” can only be carried over to a later cycle than %(cycle)s.")
                % {"case": locked.title, "cycle": locked.cycle}
            )

    comment = ""

    def move(locked):
        nonlocal comment
        locked.carried_over_from = locked.cycle
        locked.cycle = to_cycle
        try:
            locked.full_clean()
        except ValidationError as error:
            raise CycleError(
                _("“%(case)s” could not be carried over: %(problems)s")
                % {"case": locked.title, "problems": " ".join(error.messages)}
            ) from error
        return ["cycle", "carried_over_from"]

    with transaction.atomic():
        current = InvestmentCase.objects.select_related("cycle").get(pk=case.pk)
        comment = _in_default_language(
            CARRIED_OVER_COMMENT, **{"from": current.cycle, "to": to_cycle}
        )
        try:
            _transition(
                actor=actor,
                case_pk=case.pk,
                to_state=CaseState.DRAFT,
                comment=comment,
                change_reason=comment,
                check=later_cycle,
                change=move,
            )
        except TransitionError as refusal:
            if not table.is_transition(current.state, CaseState.DRAFT):
                raise CycleError(
                    _("“%(case)s” is %(state)s and cannot be carried over.")
                    % {"case": current.title, "state": current.get_state_display().lower()}
                ) from refusal
            raise CycleError(refusal.message, refusal.problems) from refusal
    return InvestmentCase.objects.get(pk=case.pk)


def cases_to_carry_over(cycle: BudgetCycle):
    """The deferred cases of the cycle before ``cycle`` that have not moved on yet."""
    return InvestmentCase.objects.filter(
        cycle__budget_year=cycle.budget_year - 1, state=CaseState.DEFERRED
    ).order_by("pk")


def cycle_carry_over_deferred(*, actor, cycle: BudgetCycle) -> list[InvestmentCase]:
    """Carry all deferred cases of the previous cycle into ``cycle``'s intake.

    All or nothing: if one case cannot move, none does.
    """
    _require_secretariat(actor)
    with transaction.atomic():
        pks = list(cases_to_carry_over(cycle).select_for_update().values_list("pk", flat=True))
        return [
            case_carry_over(actor=actor, case=case, to_cycle=cycle)
            for case in InvestmentCase.objects.filter(pk__in=pks).order_by("pk")
        ]


def cycle_create_next(
    *, actor, budget_year: int | None = None
) -> tuple[BudgetCycle, list[InvestmentCase]]:
    """Create next year's cycle with the default phases and carry the previous
    cycle's deferred cases into its intake, all in one transaction.

    The budget year is always the latest one plus one. ``budget_year`` is the
    year the secretariat saw on the page: if it differs (someone else, or a
    second click, created it already), nothing is created.
    """
    _require_secretariat(actor)
    with transaction.atomic():
        # Lock the latest cycle so that two requests at once queue up here.
        latest = BudgetCycle.objects.select_for_update().order_by("-budget_year").first()
        year = next_budget_year()
        if budget_year is not None and budget_year != year:
            if BudgetCycle.objects.filter(budget_year=budget_year).exists():
                raise CycleError(
                    _("Budget %(year)s already exists.") % {"year": budget_year}
                )
            raise CycleError(
                _("The next cycle to create is Budget %(year)s.") % {"year": year}
            )
        cycle = BudgetCycle(budget_year=year)
        try:
            cycle.full_clean()
            with transaction.atomic():
                cycle._change_reason = _in_default_language(CYCLE_CREATED_REASON)
                cycle._history_user = actor
                cycle.save()
        except (ValidationError, IntegrityError) as error:
            # A concurrent request created the same year after our read.
            raise CycleError(_("Budget %(year)s already exists.") % {"year": year}) from error
        for kind, starts_on, ends_on in default_phase_windows(year):
            phase = Phase(cycle=cycle, kind=kind, starts_on=starts_on, ends_on=ends_on)
            phase.full_clean()
            phase._change_reason = cycle._change_reason
            phase._history_user = actor
            phase.save()
        carried = []
        if latest is not None:
            carried = cycle_carry_over_deferred(actor=actor, cycle=cycle)
    return cycle, carried


def cycle_update_phases(
    *, actor, cycle: BudgetCycle, dates: dict[str, tuple[datetime.date, datetime.date]]
) -> list[Phase]:
    """Give a cycle's phases new dates, all or none.

    ``dates`` maps each of the cycle's phase kinds to (starts_on, ends_on).
    The dates must follow ``phase_schedule_problems``. Each changed phase is
    saved on its own so that its history keeps the old dates.
    """
    _require_secretariat(actor)
    with transaction.atomic():
        cycle = BudgetCycle.objects.select_for_update().get(pk=cycle.pk)
        phases = {p.kind: p for p in Phase.objects.select_for_update().filter(cycle=cycle)}
        if set(dates) != set(phases):
            raise CycleError(_("Give dates for every phase of the cycle."))
        problems = phase_schedule_problems(cycle.budget_year, dates)
        if problems:
            raise ValidationError(
                [
                    f"{PhaseKind(kind).label}: {message}"
                    for kind, fields in problems.items()
                    for messages in fields.values()
                    for message in messages
                ]
            )
        reason = _in_default_language(PHASES_CHANGED_REASON)
        changed = []
        for kind, (starts_on, ends_on) in dates.items():
            phase = phases[kind]
            if (phase.starts_on, phase.ends_on) == (starts_on, ends_on):
                continue
            phase.starts_on, phase.ends_on = starts_on, ends_on
            phase.full_clean()
            phase._change_reason = reason
            phase._history_user = actor
            phase.save(update_fields=["starts_on", "ends_on"])
            changed.append(phase)
    return changed
