"""A department's loan ledger, derived from its loans' schedules."""

from dataclasses import dataclass


@dataclass
class LedgerYear:
    year: int
    paid_out: int = 0
    repaid: int = 0
    interest: int = 0
    outstanding: int = 0


def department_ledger(loans) -> list[LedgerYear]:
    """Per year: paid out, principal repaid, interest and the balance outstanding at
    the end of the year (uses prefetched ``instalments``)."""
    years: dict[int, LedgerYear] = {}
    for loan in loans:
        years.setdefault(loan.payout_year, LedgerYear(loan.payout_year)).paid_out += loan.principal
        for instalment in loan.instalments.all():
            entry = years.setdefault(instalment.year, LedgerYear(instalment.year))
            entry.repaid += instalment.principal_part
            entry.interest += instalment.interest_part
    outstanding = 0
    result = []
    for year in range(min(years, default=0), max(years, default=-1) + 1):
        entry = years.get(year, LedgerYear(year))
        outstanding += entry.paid_out - entry.repaid
        entry.outstanding = outstanding
        result.append(entry)
    return result
