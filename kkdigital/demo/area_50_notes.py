"""Demo data of the budget notes: one finished export of the plan as a spreadsheet.

The collected PDF takes seconds to lay out, so the demo leaves it to the visitor
(Budgetnotater → Start eksporten); the spreadsheet is made in well under a second.
Idempotent: an existing plan export of the cycle is left as it is.
"""

from governance.exports.models import ExportJob, ExportKind
from governance.exports.services import export_start
from governance.models import BudgetCycle
from portfolio.models import User


def seed(*, today, log) -> None:
    cycle = BudgetCycle.objects.filter(budget_year=2027).first()
    secretariat = User.objects.filter(username="anne.jeppesen").first()
    if cycle is None or secretariat is None:
        log("notes: no Budget 2027 or no secretariat user; nothing to do")
        return
    if ExportJob.objects.filter(cycle=cycle, kind=ExportKind.PLAN_XLSX).exists():
        log("notes: the plan export exists")
        return
    job = export_start(actor=secretariat, kind=ExportKind.PLAN_XLSX, cycle=cycle)
    job.refresh_from_db()
    log(f"notes: plan exported as a spreadsheet ({job.get_state_display()})")
