"""The portal's URLs plus one view that fails, to see the 500 page as production serves it."""

from django.urls import include, path

from siae_portal.urls import handler500  # noqa: F401 (Django reads it from the root URLconf)


def failing_view(request):
    raise RuntimeError("secret-du-test: an unexpected failure")


urlpatterns = [path("erreur-interne/", failing_view), path("", include("siae_portal.urls"))]
