"""Site-wide pages: the home page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from governance.models import BudgetCycle


@login_required
def home(request):
    cycle = BudgetCycle.objects.current()
    return render(request, "home.html", {"cycle": cycle})
