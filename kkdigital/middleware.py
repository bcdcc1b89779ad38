"""Site-wide middleware."""

import logging

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
        "refused %s user=%s method=%s path=%s view=%s object=%s time=%s",
        status, who, request.method, request.path, view, obj or "-",
        timezone.now().isoformat(timespec="seconds"),
    )
