"""What every page shows: the current budget cycle, its open phases and the navigation."""

from django.utils.functional import SimpleLazyObject

from governance.models import BudgetCycle, Phase

from .navigation import items_for


def current_cycle(request):
    """The current cycle with its phases, read once per request.

    The home page and the header share it, so neither asks the database again.
    """
    if not hasattr(request, "_kk_current_cycle"):
        request._kk_current_cycle = _current_cycle_with_phases()
    return request._kk_current_cycle


def _current_cycle_with_phases():
    """``BudgetCycle.objects.current()`` with its phases, in one query: the phases of
    that cycle, each with the cycle. Only a current cycle without phases (a new one)
    takes a second query, for the cycle itself."""
    phases = list(
        Phase.objects.filter(cycle=BudgetCycle.objects.current_pk()).select_related("cycle")
    )
    if not phases:
        return BudgetCycle.objects.prefetch_related("phases").current()
    cycle = phases[0].cycle
    for phase in phases:
        phase.cycle = cycle
    # What prefetch_related("phases") leaves on the cycle: ``cycle.phases.all()`` (its
    # open_phases()) answers from these rows.
    cached = cycle.phases.all()
    cached._result_cache = phases
    cached._prefetch_done = True
    cycle._prefetched_objects_cache = {"phases": cached}
    return cycle


def kkdigital(request):
    """The header's cycle and phases and the user's navigation.

    Lazy, so a response that does not render the layout costs no query. The
    navigation reads the user's roles, which the user caches for the request.
    """
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated

    def cycle():
        return current_cycle(request) if signed_in else None

    def open_phases():
        c = cycle()
        return c.open_phases() if c else []

    def nav_items():
        return items_for(user, request.path) if signed_in else []

    return {
        "current_cycle": SimpleLazyObject(cycle),
        "open_phases": SimpleLazyObject(open_phases),
        "nav_items": SimpleLazyObject(nav_items),
    }
