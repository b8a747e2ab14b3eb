from django.contrib import admin
from django.urls import include, path

from dossiers.views import home

admin.site.site_header = "Portail OS-IAE · administration"
admin.site.site_title = "Portail OS-IAE"
admin.site.index_title = "Administration du portail"

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("dossiers.urls")),
    path("", include("indicators.urls")),
]
