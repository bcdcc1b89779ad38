"""The project's URLs, plus a stand-in for the case page while ``portfolio.urls``
does not exist on this branch.

The workflow redirects to ``portfolio:case-detail`` (``/sager/<pk>/``); once
the real case pages are merged, the stand-in steps aside and this module is
just the project's URLs.
"""

from importlib.util import find_spec

from django.http import HttpResponse
from django.urls import include, path

from kkdigital.urls import urlpatterns as project_urlpatterns


def case_page(request, pk):
    return HttpResponse(f"case {pk}")


if find_spec("portfolio.urls") is None:
    urlpatterns = [
        path(
            "sager/",
            include(([path("<int:pk>/", case_page, name="case-detail")], "portfolio")),
        ),
        *project_urlpatterns,
    ]
else:
    urlpatterns = list(project_urlpatterns)
