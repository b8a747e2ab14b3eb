from django.urls import path  # noqa: F401 (the modules of conventions/views add their routes here)

from .views import tracking

app_name = "conventions"

urlpatterns = [
    # Suivi des conventions (the list of advisors, agents and administrators).
    path("suivi/", tracking.tracking_list, name="tracking"),
]
