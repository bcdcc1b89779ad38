from django.urls import path

from .views import edit

app_name = "portfolio"

urlpatterns = [
    path("ny/", edit.case_create_view, name="case-create"),
    path("<int:pk>/rediger/", edit.case_edit_view, name="case-edit"),
]
