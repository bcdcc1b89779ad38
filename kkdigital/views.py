"""Site-wide pages: the home page."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from governance.models import BudgetCycle


@login_required
def home(request):
    cycle = BudgetCycle.objects.current()
    return render(request, "home.html", {"cycle": cycle})


@never_cache
def health(request):
    """For the container health check: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
