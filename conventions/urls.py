from django.urls import path

from .views import workflow

app_name = "conventions"

urlpatterns = [
    path("structure/<int:structure_pk>/proposer/", workflow.propose, name="propose"),
    path("<int:pk>/", workflow.detail, name="detail"),
    path("<int:pk>/objectifs/", workflow.edit_objectives, name="edit"),
    path("<int:pk>/commenter/", workflow.comment, name="comment"),
    path("<int:pk>/conclure/", workflow.agree, name="agree"),
    path("<int:pk>/clore/", workflow.close, name="close"),
]
