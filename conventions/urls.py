from django.urls import path

from .views import tracking, workflow

app_name = "conventions"

urlpatterns = [
    # Suivi des conventions (the list of advisors, agents and administrators).
    path("suivi/", tracking.tracking_list, name="tracking"),
    path("structure/<int:structure_pk>/proposer/", workflow.propose, name="propose"),
    path("<int:pk>/", workflow.detail, name="detail"),
    path("<int:pk>/objectifs/", workflow.edit_objectives, name="edit"),
    path("<int:pk>/commenter/", workflow.comment, name="comment"),
    path("<int:pk>/conclure/", workflow.agree, name="agree"),
    path("<int:pk>/clore/", workflow.close, name="close"),
]
