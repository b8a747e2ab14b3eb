from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Convention, ConventionComment, ConventionYear, Objective


class ConventionYearInline(admin.TabularInline):
    model = ConventionYear
    fields = ["year", "insertion_posts_etp", "agreed"]
    readonly_fields = ["agreed"]
    extra = 0


@admin.register(Convention)
class ConventionAdmin(SimpleHistoryAdmin):
    list_display = ["structure", "first_year", "last_year", "status", "reference", "agreed_at"]
    list_filter = ["status", "first_year", "structure__departement"]
    search_fields = ["structure__name", "structure__siret", "reference"]
    list_select_related = ["structure"]
    autocomplete_fields = ["structure"]
    # The status and the agreement go through the services (the years' index follows them).
    readonly_fields = ["status", "agreed_by", "agreed_at", "proposed_by"]
    inlines = [ConventionYearInline]


@admin.register(Objective)
class ObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ["convention_year", "indicator", "definition", "target"]
    list_filter = ["indicator"]
    search_fields = ["convention_year__convention__structure__name"]
    list_select_related = ["convention_year__convention__structure", "definition"]
    raw_id_fields = ["convention_year"]


@admin.register(ConventionComment)
class ConventionCommentAdmin(admin.ModelAdmin):
    list_display = ["convention", "author", "author_role", "created_at"]
    list_select_related = ["convention__structure", "author"]
    raw_id_fields = ["convention"]
