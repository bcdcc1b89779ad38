"""The process: the annual cycle and the case workflow (namespace "governance")."""

from django.urls import path

from governance.views import cycles

app_name = "governance"

urlpatterns = [
    path("aarshjul/", cycles.annual_cycle, name="annual-cycle"),
    path("cyklusser/", cycles.cycle_list, name="cycle-list"),
    path("cyklusser/opret/", cycles.cycle_create, name="cycle-create"),
    path("cyklusser/<int:year>/", cycles.cycle_detail, name="cycle-detail"),
    path("cyklusser/<int:year>/faser/", cycles.cycle_edit, name="cycle-edit"),
    path(
        "cyklusser/<int:year>/overfoer/", cycles.cycle_carry_over, name="cycle-carry-over"
    ),
]
