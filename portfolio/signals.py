"""Signal receivers of the portfolio app."""

from django.utils import timezone


def update_last_login_without_history(sender, user, **kwargs):
    """Django's own receiver, minus the history: a login is not a change of the
    person's data, and successful logins are not logged (README, security)."""
    user.last_login = timezone.now()
    user.skip_history_when_saving = True
    try:
        user.save(update_fields=["last_login"])
    finally:
        del user.skip_history_when_saving
