from django.contrib import admin

from .models import Network, Structure


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "siret", "departement", "commune", "insertion_posts_etp", "updated_at"]
    list_filter = ["kind", "departement", "networks"]
    search_fields = ["name", "siret", "commune"]
    filter_horizontal = ["networks"]
    readonly_fields = ["created_at", "updated_at"]
