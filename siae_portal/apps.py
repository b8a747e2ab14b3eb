from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """The Django admin, with the portal's own site (siae_portal.admin.PortalAdminSite)."""

    default_site = "siae_portal.admin.PortalAdminSite"


class SiaePortalConfig(AppConfig):
    """The portal's shared layer (settings, reference data, helpers): on every new SQLite
    connection, the French collation (siae_portal.collation)."""

    name = "siae_portal"
    verbose_name = "Portail OS-IAE"

    def ready(self):
        from django.db.backends.signals import connection_created

        from .collation import register_sqlite_collation

        connection_created.connect(register_sqlite_collation, dispatch_uid="siae_portal_french_collation")
