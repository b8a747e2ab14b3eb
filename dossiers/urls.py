from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("structures/<int:pk>/", views.structure_detail, name="structure_detail"),
    path("structures/<int:pk>/modifier/", views.structure_edit, name="structure_edit"),
]
