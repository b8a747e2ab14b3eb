from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "conventions"
    verbose_name = "conventions et objectifs"
