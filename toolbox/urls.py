from django.urls import path

from . import views

app_name = "toolbox"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("proposer/", views.propose, name="propose"),
    path("mes-propositions/", views.my_proposals, name="mine"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/telecharger/", views.download, name="download"),
    path("<int:pk>/lien/", views.open_link, name="link"),
    path("<int:pk>/publier/", views.publish_resource, name="publish"),
    path("<int:pk>/refuser/", views.reject_resource, name="reject"),
    path("<int:pk>/corriger/", views.resubmit_resource, name="resubmit"),
]
