"""HTTP helpers: pages with case data are never stored by browsers or proxies."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache

# For a single view: ``@no_store`` sets Cache-Control: no-store (and no-cache,
# must-revalidate, private, max-age=0).
no_store = never_cache

DEFAULT_NO_STORE_PREFIXES = ("/sager/", "/proces/", "/admin/")


class NoStoreMiddleware:
    """Cache-Control: no-store on case and process pages and on every signed-in page.

    Case pages hold internal figures and names; a shared computer's browser
    cache or a proxy must not keep them. Prefixes come from the setting
    ``NO_STORE_PATH_PREFIXES``.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(
            getattr(settings, "NO_STORE_PATH_PREFIXES", DEFAULT_NO_STORE_PREFIXES)
        )

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith(self.prefixes) or (user and user.is_authenticated):
            add_never_cache_headers(response)
        return response
