"""The prioritisation page is the IT directors' board now (``governance.board``).

The cycle chooser stays here for the pages that import it.
"""

from django.http import QueryDict

from governance.board.views import chosen_cycle as _chosen_cycle
from governance.models import BudgetCycle


def chosen_cycle(request) -> BudgetCycle:
    """The cycle named by ?cycle= (or a posted cycle), else the current one."""
    params = QueryDict(mutable=True)
    pk = request.GET.get("cycle") or request.POST.get("cycle")
    if pk:
        params["cycle"] = pk
    return _chosen_cycle(params)
