from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.forms import LoginForm
from dossiers.views import home

from . import views
from .health import healthz

urlpatterns = [
    path("", home, name="home"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("mon-compte/", include("accounts.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("dossiers.urls")),
    path("boite-a-outils/", include("toolbox.urls")),
    path("", include("indicators.urls")),
    path("conventions/", include("conventions.urls")),
]

handler500 = "siae_portal.views.server_error"
