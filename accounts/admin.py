from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from simple_history.admin import SimpleHistoryAdmin

from .models import Membership, Notification, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["role", "structure", "network", "departement", "is_active", "created_at", "deactivated_at"]
    readonly_fields = ["created_at", "deactivated_at"]
    autocomplete_fields = ["structure"]
    can_delete = False  # memberships are deactivated, never deleted


class PortalUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class PortalUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    inlines = [MembershipInline]
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_active", "memberships__role"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        ("Préférences", {"fields": ["receives_digest"]}),
        ("Droits", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "structure", "network", "departement", "is_active", "created_at"]
    list_filter = ["role", "is_active", "network", "departement"]
    search_fields = ["user__email", "structure__name", "structure__siret"]
    autocomplete_fields = ["user", "structure"]
    list_select_related = ["user", "structure", "network"]
    readonly_fields = ["created_at", "deactivated_at"]
    actions = ["deactivate"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Désactiver les rattachements sélectionnés")
    def deactivate(self, request, queryset):
        for membership in queryset.filter(is_active=True):
            membership.deactivate()


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """What the portal wrote to whom, and whether it left (read-only: it is a record)."""

    list_display = ["created_at", "user", "subject", "template", "sent_at"]
    list_filter = ["template", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "subject", "key"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
