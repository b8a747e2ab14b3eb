from django.urls import path

from .views import api, dashboards, definitions, records, watchlist

app_name = "indicators"

urlpatterns = [
    path("structures/<int:structure_pk>/sorties/", records.exit_list, name="exit_list"),
    path("structures/<int:structure_pk>/sorties/ajouter/", records.exit_create, name="exit_create"),
    path("structures/<int:structure_pk>/sorties/importer/", records.exit_import, name="exit_import"),
    path("structures/<int:structure_pk>/sorties/modele.csv", records.import_template, name="import_template"),
    path("structures/<int:structure_pk>/sorties/<int:pk>/", records.exit_detail, name="exit_detail"),
    path("structures/<int:structure_pk>/sorties/<int:pk>/modifier/", records.exit_edit, name="exit_edit"),
    path("structures/<int:structure_pk>/sorties/<int:pk>/supprimer/", records.exit_delete, name="exit_delete"),
    path(
        "structures/<int:structure_pk>/sorties/positionnements/<int:year>/",
        records.positionings,
        name="positionings",
    ),
    path("api/v1/indicators/", api.indicators_api, name="api"),
    path("indicateurs/definitions/", definitions.definition_list, name="definition_list"),
    path("indicateurs/definitions/ajouter/", definitions.definition_create, name="definition_create"),
    path("indicateurs/definitions/<int:pk>/modifier/", definitions.definition_edit, name="definition_edit"),
    path("indicateurs/definitions/<int:pk>/activation/", definitions.definition_toggle, name="definition_toggle"),
    path("structures-a-suivre/", watchlist.watchlist_page, name="watchlist"),
    path("structures-a-suivre/<int:structure_pk>/suivi/", watchlist.follow_up_create, name="follow_up_create"),
    path("indicateurs/", dashboards.network_dashboard, name="dashboard"),
    path("indicateurs/structures/<int:pk>/", dashboards.structure_dashboard, name="structure_dashboard"),
]
