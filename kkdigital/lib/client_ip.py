"""The client's address for login throttling (django-axes' ``AXES_CLIENT_IP_CALLABLE``).

Behind KK's reverse proxy (``BEHIND_PROXY=1``) every request comes from the
proxy, so REMOTE_ADDR is the proxy's address; the client's is the entry the
trusted proxy appended to X-Forwarded-For. With ``AXES_PROXY_COUNT`` proxies in
a row that is the N-th entry from the right: anything to its left was written
by the client and is not believed. Without a proxy the header is the client's
own claim and is ignored.
"""

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    if not getattr(settings, "KK_BEHIND_PROXY", False):
        return remote
    count = max(1, int(getattr(settings, "KK_PROXY_COUNT", 1)))
    chain = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part]
    if len(chain) < count:
        return remote
    return _valid(chain[-count]) or remote
