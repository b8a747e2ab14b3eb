from django.urls import include, path

app_name = "indicators"

# 4B's dashboards; 4A's exit-record pages (`urls_records`) are added at merge time.
urlpatterns = [
    path("", include("indicators.urls_dashboards")),
]
