from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from siae_portal.emails import MailNotSent, portal_url, warn_not_sent

from .models import Resource
from .services import ModerationError, publish


@admin.register(Resource)
class ResourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "axis", "category", "provider_label", "status", "restricted_to", "download_count"]
    list_filter = ["status", "axis", "category", "restricted_to", "provider_network"]
    search_fields = ["title", "summary", "tags"]
    list_select_related = ["provider_network", "provider_structure", "restricted_to"]
    autocomplete_fields = ["provider_structure"]
    readonly_fields = ["proposed_at", "moderated_by", "moderated_at", "published_at", "download_count"]
    raw_id_fields = ["proposed_by"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["publish_proposals"]

    @admin.action(description="Publier les propositions sélectionnées")
    def publish_proposals(self, request, queryset):
        published = unmailed = 0
        for resource in queryset:
            try:
                publish(resource, by=request.user, base_url=portal_url(request))
            except ModerationError as error:
                self.message_user(request, str(error), level="warning")
                continue
            except MailNotSent:
                unmailed += 1
            published += 1
        self.message_user(request, f"{published} proposition(s) publiée(s).")
        if unmailed:
            warn_not_sent(request)

    @admin.display(description="proposé par")
    def provider_label(self, obj):
        return obj.provider_label
