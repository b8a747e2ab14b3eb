from django.urls import path

from . import views_dashboards

urlpatterns = [
    path("indicateurs/", views_dashboards.network_dashboard, name="dashboard"),
    path("indicateurs/structures/<int:pk>/", views_dashboards.structure_dashboard, name="structure_dashboard"),
]
