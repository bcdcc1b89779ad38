"""What every page shows: the current budget cycle, its open phases and the navigation."""

from django.utils.functional import SimpleLazyObject

from governance.models import BudgetCycle

from .navigation import items_for


def current_cycle(request):
    """The current cycle with its phases, read once per request (one query, two when
    no budget negotiations lie ahead).

    The home page and the header share it, so neither asks the database again.
    """
    if not hasattr(request, "_kk_current_cycle"):
        request._kk_current_cycle = BudgetCycle.objects.current()
    return request._kk_current_cycle


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
