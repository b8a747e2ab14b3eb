from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """The Django admin, with the portal's own site (siae_portal.admin.PortalAdminSite)."""

    default_site = "siae_portal.admin.PortalAdminSite"
