"""Site-wide middleware."""

import logging
import time

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

security_log = logging.getLogger("kkdigital.security")


class DanishByDefaultMiddleware:
    """Serve Danish unless the user chose another language with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language; KK's
    staff often run English-language browsers, yet the product speaks Danish.
    The choice made with the switch lives in the language cookie and still wins.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RefusalLogMiddleware:
    """Write every refused request (403 and 404) to ``kkdigital.security``.

    One place for all of them, whatever refused: a permission helper raising
    PermissionDenied or Http404, a view's own check, the CSRF check, a URL that
    does not exist. The line names the user, the method and path, the object
    (the URL's arguments) and the time; not the query string or the body,
    which may hold personal data.
    """

    REFUSALS = (403, 404)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in self.REFUSALS:
            log_refusal(request, response.status_code)
        return response

    def process_exception(self, request, exception):
        # The text a permission helper gave its PermissionDenied or Http404
        # (e.g. "case=12 check=can_edit_case") becomes the line's reason.
        if isinstance(exception, PermissionDenied | Http404) and exception.args:
            request.refusal_reason = str(exception.args[0])[:200]
        return None


def log_refusal(request, status: int) -> None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        who = f"{user.pk}:{user.get_username()}"
    else:
        who = "anonymous"
    match = getattr(request, "resolver_match", None)
    view = match.view_name if match else "-"
    obj = ",".join(f"{k}={v}" for k, v in sorted(match.kwargs.items())) if match else ""
    security_log.warning(
        "refused %s user=%s method=%s path=%s view=%s object=%s reason=%s time=%s",
        status, who, request.method, request.path, view, obj or "-",
        getattr(request, "refusal_reason", "-"), timezone.now().isoformat(timespec="seconds"),
    )


# When the session's user logged in (seconds since the epoch).
LOGIN_AT_KEY = "kk_login_at"
# When the session's idle timeout was last renewed (seconds since the epoch).
RENEWED_AT_KEY = "kk_renewed_at"


def mark_login_time(sender, request, user, **kwargs):
    """user_logged_in receiver: the absolute lifetime counts from here."""
    if hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT_KEY] = now
        # Logging in saves the session with a fresh expiry: that is a renewal.
        request.session[RENEWED_AT_KEY] = now


class AbsoluteSessionLifetimeMiddleware:
    """End a session ``KK_SESSION_ABSOLUTE_AGE`` seconds after login, however active,
    and renew its idle timeout while it is used.

    SESSION_COOKIE_AGE, renewed by use, is an idle timeout: a session that is
    used every few hours would live for ever. A session older than the absolute
    limit is logged out and the user signs in again.

    The idle timeout is renewed (the session saved with a new expiry and cookie)
    at most every ``KK_SESSION_RENEW_SECONDS``, not on every request: saving on
    every request (SESSION_SAVE_EVERY_REQUEST) cost every page three queries and
    a wait for the database to flush its log, for a timeout of eight hours.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            login_at = request.session.get(LOGIN_AT_KEY)
            if login_at is None:
                # A session from before this rule: its lifetime starts now.
                request.session[LOGIN_AT_KEY] = now
            elif now - int(login_at) > settings.KK_SESSION_ABSOLUTE_AGE:
                logout(request)
                return self.get_response(request)
            renewed_at = request.session.get(RENEWED_AT_KEY, 0)
            if now - int(renewed_at) >= settings.KK_SESSION_RENEW_SECONDS:
                # A change: the session middleware saves the session and sends the cookie.
                request.session[RENEWED_AT_KEY] = now
        return self.get_response(request)
