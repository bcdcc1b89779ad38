"""The cut line: where each channel's money runs out, running down the ranking.

A pure computation on plain data, so that the board, the publication and the
property test use the same rule. For each channel and year, the amounts the
cases count on are added up in rank order and compared with the capacity:
every case whose running total stays within the capacity fits; the first case
that passes it straddles the line (the part that fits is what partial funding
can give it); every case after it is below the line. A case the directors have
marked "not recommended" counts nothing.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

FITS = "fits"
PARTIAL = "partial"
BELOW = "below"

Key = tuple[int, int]  # (channel id, year)


@dataclass(frozen=True)
class CutCase:
    """One case on the board as the cut line sees it, in rank order."""

    case_id: int
    # What the case counts on per (channel id, year): its recommended
    # allocation where one is set, else what it requested.
    amounts: Mapping[Key, int]
    excluded: bool = False
    # What the case asked for, where the directors recommended less (partial
    # funding): such a case is on the line even though its part fits.
    wanted: Mapping[Key, int] = field(default_factory=dict)


@dataclass
class CutLine:
    """The line of one channel in one year."""

    key: Key
    capacity: int
    total: int = 0  # what all counted cases together count on
    used: int = 0  # the part of the capacity the cases above the line (and the straddler) use
    # The last case that fits in full (None: not even the first one does).
    last_fitting_case_id: int | None = None
    straddling_case_id: int | None = None
    straddling_fits: int = 0  # what partial funding can give the straddling case
    status: dict[int, str] = field(default_factory=dict)  # case id → FITS / PARTIAL / BELOW
    cumulative: dict[int, int] = field(default_factory=dict)  # running total after the case

    partly_funded: bool = False  # the straddling case got the part that fits

    @property
    def runs_out(self) -> bool:
        return self.total > self.capacity or self.partly_funded

    @property
    def remaining(self) -> int:
        return self.capacity - self.total


def cut_lines(cases: Iterable[CutCase], capacity: Mapping[Key, int]) -> dict[Key, CutLine]:
    """The cut line of every (channel, year) with a capacity or an amount."""
    cases = list(cases)
    keys = set(capacity)
    for case in cases:
        keys.update(k for k, v in case.amounts.items() if v)
    lines = {key: CutLine(key=key, capacity=max(0, capacity.get(key, 0))) for key in keys}
    # Per channel and year, the cases that count an amount on it, in rank order.
    counting: dict[Key, list[tuple[CutCase, int]]] = {key: [] for key in keys}
    for case in cases:
        if case.excluded:
            continue
        for key, amount in case.amounts.items():
            if amount > 0:
                counting[key].append((case, amount))
    for key, line in lines.items():
        running = 0
        for case, amount in counting[key]:
            before = running
            running += amount
            line.cumulative[case.case_id] = running
            # Partly funded because the full request would not have fitted.
            short = before + case.wanted.get(key, amount) > line.capacity >= running
            if line.straddling_case_id is None and short and case.wanted.get(key, 0) > amount:
                # Partly funded: the money runs out at this case.
                line.straddling_case_id = case.case_id
                line.straddling_fits = amount
                line.used = running
                line.status[case.case_id] = PARTIAL
                line.partly_funded = True
            elif running <= line.capacity and line.straddling_case_id is None:
                line.status[case.case_id] = FITS
                line.last_fitting_case_id = case.case_id
                line.used = running
            elif line.straddling_case_id is None:
                line.straddling_case_id = case.case_id
                line.straddling_fits = max(0, line.capacity - before)
                line.used = before + line.straddling_fits
                line.status[case.case_id] = PARTIAL if line.straddling_fits else BELOW
            else:
                line.status[case.case_id] = BELOW
        line.total = running
    return lines


def case_status(lines: Mapping[Key, CutLine], case_id: int) -> str | None:
    """Where the case stands overall: FITS in every channel and year it counts on,
    PARTIAL if it straddles a line somewhere, BELOW if it is below one; None if it
    counts on no money."""
    return case_statuses(lines).get(case_id)


# The worse of two places wins: below a line anywhere is below.
_WORSE = {FITS: 0, PARTIAL: 1, BELOW: 2}


def case_statuses(lines: Mapping[Key, CutLine]) -> dict[int, str]:
    """``case_status`` of every case that counts on money, in one pass over the lines."""
    result: dict[int, str] = {}
    for line in lines.values():
        for case_id, status in line.status.items():
            known = result.get(case_id)
            if known is None or _WORSE[status] > _WORSE[known]:
                result[case_id] = status
    return result
