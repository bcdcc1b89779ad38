"""Use cases that change money: allocations against capacity and internal loans.

Every function is keyword-only, runs in one transaction, checks the actor's
right, calls ``full_clean()`` and saves row by row so that django-simple-history
keeps each change with its author. A refusal raises ``ServiceError`` (or
``CapacityExceeded``) with a Danish message and writes nothing.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from kkdigital.lib.errors import ServiceError
from kkdigital.lib.money import format_number
from portfolio.models import CaseState, EconomyKind, InvestmentCase

from . import loans as loan_math
from . import permissions
from .models import (
    Allocation,
    ChannelCapacity,
    ChannelKind,
    FinancingChannel,
    Loan,
    LoanInstalment,
    LoanReschedule,
    LoanTerms,
    PoolRound,
)
from .prices import convert, cycle_price_year, price_indices
from .selectors import committed_filter

# The states in which directors or the secretariat may recommend amounts.
RECOMMEND_STATES = (CaseState.SUBMITTED, CaseState.QUALIFIED, CaseState.PRIORITISED,
                    CaseState.FORWARDED)
# The states in which the secretariat records what the committee granted.
GRANT_STATES = (CaseState.FORWARDED, CaseState.APPROVED, CaseState.IN_PROGRESS)
DEFAULT_LOAN_TERM_YEARS = 5
DEFAULT_LOAN_RATE = Decimal("0")


class CapacityExceeded(ServiceError):
    """An allocation would take a channel past its capacity in a year.

    ``over`` maps the year to the number of kroner it would be over by.
    """

    def __init__(self, message, problems=None, over: dict[int, int] | None = None):
        super().__init__(message, problems)
        self.over = dict(over or {})


def _clean_amounts(amounts: dict, years, *, allow_none: bool) -> dict[int, int | None]:
    cleaned: dict[int, int | None] = {}
    problems: dict[str, list[str]] = {}
    for year, amount in amounts.items():
        year = int(year)
        if year not in years:
            problems.setdefault(f"amount_{year}", []).append(
                _("%(year)s is not a year of the case's budget cycle.") % {"year": year}
            )
            continue
        if amount is None:
            if not allow_none:
                amount = 0
            cleaned[year] = amount
            continue
        if int(amount) != amount or amount < 0:
            problems.setdefault(f"amount_{year}", []).append(
                _("Enter a whole amount of kroner, zero or more.")
            )
            continue
        cleaned[year] = int(amount)
    if problems:
        raise ServiceError(_("Some amounts could not be used."), problems)
    return cleaned


def _lock_case(case) -> InvestmentCase:
    pk = case.pk if hasattr(case, "pk") else case
    return InvestmentCase.objects.select_for_update(of=("self",)).select_related("cycle").get(pk=pk)


def _stamp(obj, actor, reason):
    obj._history_user = actor
    obj._change_reason = reason


def _save_or_drop(allocation: Allocation, actor, reason: str) -> None:
    """Save the allocation; one that holds nothing any more is deleted (with history)."""
    _stamp(allocation, actor, reason)
    if (
        not allocation.requested
        and allocation.recommended is None
        and allocation.granted is None
    ):
        if allocation.pk:
            allocation.delete()
        return
    allocation.full_clean()
    allocation.save()


def _existing(case, channel) -> dict[int, Allocation]:
    return {
        a.year: a
        for a in Allocation.objects.select_for_update().filter(case=case, channel=channel)
    }


def allocation_request_set(*, actor, case, channel, amounts: dict[int, int]) -> list[Allocation]:
    """The owning department asks ``channel`` for ``amounts`` (year → whole kroner,
    the cycle's p/l) while it may edit the case. Zero withdraws the year's request;
    years not named are left as they are. Internal loans are only for re-tendering:
    a loan request needs one-off re-tendering costs in the case's economy."""
    with transaction.atomic():
        case = _lock_case(case)
        if not permissions.can_request(actor, case):
            raise ServiceError(_("You cannot change the money this case asks for."))
        cleaned = _clean_amounts(amounts, case.cycle.out_years, allow_none=False)
        if (
            channel.kind == ChannelKind.LOAN
            and any(cleaned.values())
            and not case.economy_lines.filter(kind=EconomyKind.RETENDER).exclude(amount=0).exists()
        ):
            raise ServiceError(
                _(
                    "An internal loan is only for one-off re-tendering costs: enter them "
                    "in the case's economy first."
                )
            )
        existing = _existing(case, channel)
        changed = []
        for year, amount in sorted(cleaned.items()):
            allocation = existing.get(year) or Allocation(
                case=case,
                channel=channel,
                year=year,
                round=PoolRound.BUDGET if channel.kind == ChannelKind.POOL else "",
            )
            if allocation.pk and allocation.requested == amount:
                continue
            allocation.requested = amount
            _save_or_drop(allocation, actor, _("Money requested"))
            changed.append(allocation)
    return changed


def _committed_elsewhere(channel, year: int, round_: str, case, to_price_year: int, indices):
    """What other cases' allocations hold of a channel's capacity in a year, in
    ``to_price_year`` p/l (each cycle's sum converted once)."""
    queryset = Allocation.objects.filter(channel=channel, year=year).exclude(case=case)
    if round_:
        queryset = queryset.filter(round=round_)
    rows = (
        queryset.filter(committed_filter())
        .values("case__cycle__budget_year")
        .annotate(
            c_granted=Sum("granted", filter=Q(granted__isnull=False)),
            c_recommended=Sum("recommended", filter=Q(granted__isnull=True)),
        )
    )
    return sum(
        convert(
            (row["c_granted"] or 0) + (row["c_recommended"] or 0),
            from_year=row["case__cycle__budget_year"],
            to_year=to_price_year,
            indices=indices,
        )
        for row in rows
    )


def _check_capacity(*, actor, case, channel, new_committed: dict[int, int], rounds: dict[int, str],
                    override_reason: str) -> str:
    """Refuse if the case's new committed amounts take the channel past a capacity.

    Locks the channel row and its capacity rows for the years first, so that two
    allocations at the same moment are checked one after the other and cannot
    together pass a capacity. Returns the override reason that let it pass ("" if
    none was needed).
    """
    FinancingChannel.objects.select_for_update().get(pk=channel.pk)
    years = sorted(new_committed)
    capacities = defaultdict(list)
    for capacity in ChannelCapacity.objects.select_for_update().filter(
        channel=channel, year__in=years
    ).order_by("year", "round"):
        capacities[capacity.year].append(capacity)
    indices = price_indices()
    case_price_year = cycle_price_year(case.cycle)
    over: dict[int, int] = {}
    for year in years:
        round_ = rounds.get(year, "")
        rows = [c for c in capacities.get(year, []) if not c.round or c.round == round_]
        if not rows:
            rows = [ChannelCapacity(channel=channel, year=year, amount=0,
                                    price_year=case_price_year)]
        for capacity in rows:
            mine = convert(new_committed[year], from_year=case_price_year,
                           to_year=capacity.price_year, indices=indices)
            others = _committed_elsewhere(channel, year, capacity.round, case,
                                          capacity.price_year, indices)
            excess = others + mine - capacity.amount
            if excess > 0:
                over[year] = max(over.get(year, 0), excess)
    if not over:
        return ""
    reason = (override_reason or "").strip()
    if reason and permissions.can_override_capacity(actor):
        return reason
    lines = [
        _("%(channel)s in %(year)s would be exceeded by %(amount)s kr.")
        % {"channel": channel.name, "year": year, "amount": format_number(amount)}
        for year, amount in sorted(over.items())
    ]
    message = _("The capacity is exceeded: %(details)s") % {"details": " ".join(lines)}
    if permissions.can_override_capacity(actor):
        message += " " + _("Give a reason to exceed the capacity.")
    problems = {
        f"amount_{year}": [line]
        for (year, _amount), line in zip(sorted(over.items()), lines, strict=True)
    }
    raise CapacityExceeded(message, problems, over)


def _set_step(*, actor, case, channel, amounts, override_reason, step: str, round_=None):
    existing = _existing(case, channel)
    cleaned = _clean_amounts(amounts, case.cycle.out_years, allow_none=True)
    new_committed: dict[int, int] = {}
    rounds: dict[int, str] = {}
    for year, amount in cleaned.items():
        allocation = existing.get(year)
        before = allocation.committed if allocation else 0
        granted = allocation.granted if allocation else None
        recommended = allocation.recommended if allocation else None
        if step == "granted":
            granted = amount
        else:
            recommended = amount
        after = granted if granted is not None else (recommended or 0)
        rounds[year] = (
            round_ or (allocation.round if allocation else "")
            or (PoolRound.BUDGET if channel.kind == ChannelKind.POOL else "")
        )
        if after > before:
            new_committed[year] = after
    used_override = ""
    if new_committed:
        used_override = _check_capacity(
            actor=actor, case=case, channel=channel, new_committed=new_committed,
            rounds=rounds, override_reason=override_reason,
        )
    changed = []
    for year, amount in sorted(cleaned.items()):
        allocation = existing.get(year) or Allocation(case=case, channel=channel, year=year)
        allocation.round = rounds[year] if channel.kind == ChannelKind.POOL else ""
        if getattr(allocation, step) == amount and allocation.pk and year not in new_committed:
            continue
        setattr(allocation, step, amount)
        if year in new_committed and used_override:
            allocation.override_reason = used_override
        reason = _("Money recommended") if step == "recommended" else _("Money granted")
        if year in new_committed and used_override:
            reason = _("%(what)s beyond the capacity: %(reason)s") % {
                "what": reason, "reason": used_override
            }
        _save_or_drop(allocation, actor, reason[:100])
        changed.append(allocation)
    return changed


def allocation_recommend_set(*, actor, case, channel, amounts: dict[int, int | None],
                             override_reason: str = "", round: str | None = None):
    """The directors' circle or the secretariat recommends ``amounts`` (year → kr.,
    None clears) for a case from submission until the committee decides. A
    recommendation holds capacity; past the capacity it is refused with by how
    much, unless the secretariat gives a reason (kept on the allocation)."""
    with transaction.atomic():
        case = _lock_case(case)
        if not permissions.can_recommend(actor):
            raise ServiceError(_("You cannot recommend money for cases."))
        if case.state not in RECOMMEND_STATES:
            raise ServiceError(
                _("Money can only be recommended for a submitted case not yet decided.")
            )
        return _set_step(actor=actor, case=case, channel=channel, amounts=amounts,
                         override_reason=override_reason, step="recommended", round_=round)


def allocation_grant_set(*, actor, case, channel, amounts: dict[int, int | None],
                         override_reason: str = "", round: str | None = None):
    """The secretariat records what the Economic Committee granted (year → kr.; less
    than requested is a partial grant). Past the capacity it is refused with by
    how much, unless the secretariat gives a reason (kept on the allocation)."""
    with transaction.atomic():
        case = _lock_case(case)
        if not permissions.can_grant(actor):
            raise ServiceError(_("Only the secretariat records granted money."))
        if case.state not in GRANT_STATES:
            raise ServiceError(
                _("Money is granted with the committee's decision on a forwarded case.")
            )
        return _set_step(actor=actor, case=case, channel=channel, amounts=amounts,
                         override_reason=override_reason, step="granted", round_=round)


# --- Internal loans -------------------------------------------------------------------


def loan_terms_for(cycle) -> tuple[int, Decimal]:
    terms = LoanTerms.objects.filter(cycle=cycle).first()
    if terms is None:
        return DEFAULT_LOAN_TERM_YEARS, DEFAULT_LOAN_RATE
    return terms.term_years, terms.rate


def _write_schedule(loan: Loan, rows, actor, reason: str) -> None:
    existing = {i.year: i for i in LoanInstalment.objects.select_for_update().filter(loan=loan)}
    wanted = {row.year for row in rows}
    for year, instalment in existing.items():
        if year not in wanted:
            _stamp(instalment, actor, reason)
            instalment.delete()
    for row in rows:
        instalment = existing.get(row.year) or LoanInstalment(loan=loan, year=row.year)
        values = (row.principal_part, row.interest_part, row.moved_from_year)
        if instalment.pk and values == (
            instalment.principal_part, instalment.interest_part, instalment.moved_from_year
        ):
            continue
        instalment.principal_part, instalment.interest_part, instalment.moved_from_year = values
        instalment.full_clean()
        _stamp(instalment, actor, reason)
        instalment.save()


def loan_create_from_grant(*, actor, case, term_years: int | None = None,
                           rate: Decimal | None = None) -> Loan:
    """The secretariat turns a case's grant in the loan channel into a loan: the
    principal is the granted total, paid out in the first granted year, repaid
    over the cycle's default terms (or those given) from the year after."""
    with transaction.atomic():
        case = _lock_case(case)
        if not permissions.can_manage_loans(actor):
            raise ServiceError(_("Only the secretariat makes internal loans."))
        if Loan.objects.filter(case=case).exists():
            raise ServiceError(_("The case already has a loan."))
        granted = [
            a for a in Allocation.objects.filter(
                case=case, channel__kind=ChannelKind.LOAN, granted__gt=0
            ).order_by("year")
        ]
        if not granted:
            raise ServiceError(_("The case has no granted internal loan."))
        default_term, default_rate = loan_terms_for(case.cycle)
        loan = Loan(
            case=case,
            department_id=case.department_id,
            principal=sum(a.granted for a in granted),
            payout_year=granted[0].year,
            term_years=term_years or default_term,
            rate=default_rate if rate is None else Decimal(rate),
            price_year=cycle_price_year(case.cycle),
            created_by=actor,
        )
        loan.full_clean()
        _stamp(loan, actor, _("Loan made from the grant"))
        loan.save()
        rows = loan_math.schedule(loan.principal, loan.rate, loan.term_years, loan.payout_year + 1)
        _write_schedule(loan, rows, actor, _("Repayment schedule"))
    return loan


def loan_move_instalment(*, actor, loan, from_year: int, to_year: int, reason: str) -> Loan:
    """Record a political decision that moves one instalment to a later year; the
    rest of the schedule is recomputed (``financing.loans.reschedule``) and the
    decision is logged with its reason."""
    reason = (reason or "").strip()
    with transaction.atomic():
        loan = Loan.objects.select_for_update().get(pk=loan.pk)
        if not permissions.can_manage_loans(actor):
            raise ServiceError(_("Only the secretariat records decisions on loans."))
        if not reason:
            raise ServiceError(
                _("Give the decision and its reason."), {"reason": [_("This field is required.")]}
            )
        instalments = list(LoanInstalment.objects.select_for_update().filter(loan=loan))
        by_year = {i.year: i for i in instalments}
        current = by_year.get(from_year)
        if current is None or current.principal_part == 0:
            raise ServiceError(
                _("There is no instalment to move in %(year)s.") % {"year": from_year},
                {"from_year": [_("Choose a year with an instalment.")]},
            )
        if to_year <= from_year or to_year in by_year:
            raise ServiceError(
                _("Move the instalment to a later year that has no instalment."),
                {"to_year": [_("Choose a later year without an instalment.")]},
            )
        rows = []
        balance = loan.principal
        for instalment in sorted(instalments, key=lambda i: i.year):
            balance -= instalment.principal_part
            rows.append(loan_math.ScheduleRow(
                instalment.year, instalment.principal_part, instalment.interest_part, balance,
                instalment.moved_from_year,
            ))
        new_rows = loan_math.reschedule(rows, rate=loan.rate, from_year=from_year, to_year=to_year)
        text = _("Instalment %(from)s moved to %(to)s: %(reason)s") % {
            "from": from_year, "to": to_year, "reason": reason
        }
        _write_schedule(loan, new_rows, actor, text[:100])
        record = LoanReschedule(loan=loan, from_year=from_year, to_year=to_year, reason=reason,
                                decided_by=actor)
        record.full_clean()
        record.save()
    return loan
