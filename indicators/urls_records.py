from django.urls import path

from . import views_api, views_definitions, views_records

urlpatterns = [
    path("structures/<int:structure_pk>/sorties/", views_records.exit_list, name="exit_list"),
    path("structures/<int:structure_pk>/sorties/ajouter/", views_records.exit_create, name="exit_create"),
    path("structures/<int:structure_pk>/sorties/importer/", views_records.exit_import, name="exit_import"),
    path("structures/<int:structure_pk>/sorties/modele.csv", views_records.import_template, name="import_template"),
    path("structures/<int:structure_pk>/sorties/<int:pk>/", views_records.exit_detail, name="exit_detail"),
    path("structures/<int:structure_pk>/sorties/<int:pk>/modifier/", views_records.exit_edit, name="exit_edit"),
    path("structures/<int:structure_pk>/sorties/<int:pk>/supprimer/", views_records.exit_delete, name="exit_delete"),
    path(
        "structures/<int:structure_pk>/sorties/positionnements/<int:year>/",
        views_records.positionings,
        name="positionings",
    ),
    path("api/v1/indicators/", views_api.indicators_api, name="api"),
    path("indicateurs/definitions/", views_definitions.definition_list, name="definition_list"),
    path("indicateurs/definitions/ajouter/", views_definitions.definition_create, name="definition_create"),
    path("indicateurs/definitions/<int:pk>/modifier/", views_definitions.definition_edit, name="definition_edit"),
    path(
        "indicateurs/definitions/<int:pk>/activation/",
        views_definitions.definition_toggle,
        name="definition_toggle",
    ),
]
