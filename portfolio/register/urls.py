"""The IT system and contract register (namespace "register")."""

from django.urls import path

from . import views

app_name = "register"

urlpatterns = [
    path("", views.system_list, name="system-list"),
    path("systemer/<int:pk>/", views.system_detail, name="system-detail"),
    path("kontrakter/", views.contract_list, name="contract-list"),
    path("kontrakter/<int:pk>/", views.contract_detail, name="contract-detail"),
    path("genudbud/", views.radar, name="radar"),
    path("konsolidering/", views.consolidation, name="consolidation"),
    path("import/", views.import_list, name="import-list"),
    path("import/<int:pk>/", views.import_detail, name="import-detail"),
    path("import/<int:pk>/importer/", views.import_confirm, name="import-confirm"),
    path("import/<int:pk>/tjek-igen/", views.import_recheck, name="import-recheck"),
    path("sag/<int:pk>/systemer/", views.case_systems, name="case-systems"),
]
