from django.urls import include, path

app_name = "indicators"

urlpatterns = [
    path("", include("indicators.urls_records")),
    path("", include("indicators.urls_dashboards")),
]
