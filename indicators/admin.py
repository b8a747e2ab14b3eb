from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CustomRateDefinition, ExitRecord, FollowUp, PrescriberPositioning


@admin.register(ExitRecord)
class ExitRecordAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "structure", "entry_date", "exit_date", "exit_motive", "hours_worked"]
    list_filter = ["exit_motive", "structure__kind", "structure__departement"]
    search_fields = ["reference", "structure__name", "structure__siret"]
    date_hierarchy = "exit_date"
    list_select_related = ["structure"]
    autocomplete_fields = ["structure"]


@admin.register(PrescriberPositioning)
class PrescriberPositioningAdmin(admin.ModelAdmin):
    list_display = ["structure", "year", "prescriber", "positioned", "hired"]
    list_filter = ["year", "prescriber"]
    search_fields = ["structure__name"]
    list_select_related = ["structure"]
    autocomplete_fields = ["structure"]


@admin.register(CustomRateDefinition)
class CustomRateDefinitionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "network", "durable_requires_full_time", "is_active", "created_by", "created_at"]
    list_filter = ["network", "is_active"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["structure", "author", "created_at", "next_date", "shared_with_structure"]
    list_filter = ["shared_with_structure"]
    list_select_related = ["structure", "author"]
    raw_id_fields = ["structure", "author"]
