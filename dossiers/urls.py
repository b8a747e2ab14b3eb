from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("structures/<int:pk>/", views.structure_detail, name="structure_detail"),
    path("structures/<int:pk>/modifier/", views.structure_edit, name="structure_edit"),
    path("structures/<int:structure_pk>/campagnes/<int:year>/ouvrir/", views.dossier_start, name="dossier_start"),
    path("dossiers/", views.dossier_list, name="dossier_list"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="detail"),
    path("dossiers/<int:pk>/axe/<int:axis>/", views.dossier_axis, name="axis"),
    path("dossiers/<int:pk>/axe/<int:axis>/enregistrement-auto/", views.dossier_axis_autosave, name="axis_autosave"),
    path("dossiers/<int:pk>/axe/<int:axis>/commenter/", views.dossier_comment, name="comment"),
    path("dossiers/<int:pk>/action/<slug:name>/", views.dossier_transition, name="transition"),
    path("dossiers/<int:pk>/reprendre-l-an-dernier/", views.dossier_reuse, name="reuse"),
    path("dossiers/<int:pk>/pieces/<int:answer_pk>/", views.dossier_attachment, name="attachment"),
    path("dossiers/<int:pk>/versions/", views.dossier_snapshots, name="snapshots"),
    path("dossiers/<int:pk>/synthese.pdf", views.dossier_pdf, name="pdf"),
    path("dossiers/campagnes/<int:year>/dossiers.zip", views.dossier_zip, name="zip"),
]
