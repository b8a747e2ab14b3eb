from django.apps import AppConfig


class ToolboxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "toolbox"
    verbose_name = "boîte à outils"
