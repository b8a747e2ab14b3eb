from django.contrib import admin
from django.db import models

from .models import Resource


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "axis", "category", "provider_label", "status", "restricted_to", "download_count"]
    list_filter = ["status", "axis", "category", "restricted_to", "provider_network"]
    search_fields = ["title", "summary", "tags"]
    list_select_related = ["provider_network", "provider_structure", "restricted_to"]
    autocomplete_fields = ["provider_structure"]
    readonly_fields = ["proposed_at", "moderated_by", "moderated_at", "published_at", "download_count"]
    raw_id_fields = ["proposed_by"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="proposé par")
    def provider_label(self, obj):
        return obj.provider_label
