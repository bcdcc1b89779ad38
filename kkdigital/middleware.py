"""Site-wide middleware."""

import logging
import time
import weakref
from functools import partial

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

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
    """user_logged_in receiver: the absolute lifetime counts from here, and the
    idle timeout was just set by the login itself (no renewal on the next request)."""
    if hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT_KEY] = now
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


class UserHeaderMiddleware:
    """Read a signed-in user's roles, department and unread notifications in one query.

    Every page asks for the three: the view checks the roles, the header shows the
    department and the number of unread notifications. Read one by one they were
    three queries a page. Here ``user.roles`` (``portfolio.models.User.roles``, a
    cached property) is given a value that reads on first use: the roles, and
    with them the department (unless the user already has it) and, on a GET or
    HEAD, the unread count the header's tag would read
    (``governance.templatetags.notifications``). A request that never checks a
    role (the admin, the language switch, the logout) asks none of it.

    Nothing is kept beyond the request: the next request reads the roles, the
    department and the count again, so a change of role or department counts at
    once. The unread count is taken only on a safe method, whose view does not
    mark notifications read before the page is rendered.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # request.user is a lazy stand-in, loaded by now: the roles go on the user.
            user = getattr(user, "_wrapped", user)
        if user is not None and user.is_authenticated and "roles" not in vars(user):
            # Weak references: the user holds the loader, which must not hold the
            # user or the request (a reference cycle waits for the garbage collector).
            loader = partial(_read_user_header, weakref.ref(request), weakref.ref(user))
            user.__dict__["roles"] = SimpleLazyObject(loader)
        return self.get_response(request)


def _read_user_header(request_ref, user_ref) -> frozenset[str]:
    request, user = request_ref(), user_ref()
    if user is None:
        return frozenset()
    roles = read_user_header(request, user)
    # From now on ``user.roles`` is the set itself, not the lazy stand-in.
    user.__dict__["roles"] = roles
    return roles


def read_user_header(request, user) -> frozenset[str]:
    """The user's role names, as ``User.roles`` reads them; the department and the
    unread count come with them (``UserHeaderMiddleware``). ``request`` may be None."""
    from governance.models import Notification
    from portfolio.models import Department, User

    with_department = user.department_id is not None and not User.department.is_cached(user)
    with_unread = (
        request is not None
        and request.method in ("GET", "HEAD")
        and not hasattr(request, "_kk_unread_notifications")
    )
    department_fields = [f.attname for f in Department._meta.concrete_fields]
    columns = ["groups__name"]
    if with_department:
        columns += [f"department__{name}" for name in department_fields]
    users = User._default_manager.filter(pk=user.pk)
    if with_unread:
        unread = (
            Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("recipient")
            .annotate(n=Count("pk"))
            .values("n")
        )
        users = users.annotate(kk_unread=Coalesce(Subquery(unread), 0))
        columns.append("kk_unread")
    rows = list(users.values_list(*columns))
    if not rows:
        # The user is gone since the request began: no roles, nothing else known.
        return frozenset()
    first = rows[0]
    if with_department:
        values = first[1 : 1 + len(department_fields)]
        user.department = Department.from_db(user._state.db, department_fields, values)
    if with_unread:
        request._kk_unread_notifications = first[-1]
    if not user.is_active:
        return frozenset()
    return frozenset(row[0] for row in rows if row[0] is not None)
