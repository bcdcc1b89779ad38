from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path(
        "tilgaengelighed/",
        views.accessibility_statement,
        name="accessibility-statement",
    ),
    path("sager/", include("portfolio.urls")),
    path("proces/", include("governance.urls")),
    path("finansiering/", include("financing.urls")),
    path("it-register/", include("portfolio.register.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz/", views.health, name="health"),
]
