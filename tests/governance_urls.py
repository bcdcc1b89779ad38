"""The project's URLs for the governance tests, with the case page they link to.

Notifications and the audit log link to ``portfolio:case-detail``, which the
case pages define. Until those are merged this adds a plain stand-in under
the same name and path; once ``portfolio.urls`` exists it is used as it is.
"""

from django.http import HttpResponse
from django.urls import include, path

from kkdigital.urls import urlpatterns as project_urlpatterns

try:
    import portfolio.urls  # noqa: F401
except ModuleNotFoundError:

    def _case_page(request, pk):
        return HttpResponse(f"case {pk}")

    urlpatterns = [
        path(
            "sager/",
            include(([path("<int:pk>/", _case_page, name="case-detail")], "portfolio")),
        ),
        *project_urlpatterns,
    ]
else:
    urlpatterns = project_urlpatterns
