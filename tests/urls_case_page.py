"""The project's URLs plus a stand-in for the case page (``portfolio:case-detail``).

The workflow redirects to the case page, which lives on another branch; the
stand-in answers the same path so that the tests can follow the redirect.
"""

from django.http import HttpResponse
from django.urls import include, path

from kkdigital.urls import urlpatterns as project_urlpatterns


def case_page(request, pk):
    return HttpResponse(f"case {pk}")


urlpatterns = [
    path("sager/", include(([path("<int:pk>/", case_page, name="case-detail")], "portfolio"))),
    *project_urlpatterns,
]
