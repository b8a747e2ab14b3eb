from django.urls import path  # noqa: F401 (the modules of conventions/views add their routes here)

app_name = "conventions"

urlpatterns = []
