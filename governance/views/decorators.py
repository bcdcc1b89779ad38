"""Who may open the governance pages."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from portfolio.permissions import is_secretariat


def secretariat_required(view):
    """Anonymous users log in; everyone but the secretariat gets 403 (logged)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_secretariat(request.user):
            raise PermissionDenied("secretariat only")
        return view(request, *args, **kwargs)

    return wrapped
