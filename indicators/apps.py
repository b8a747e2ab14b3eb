from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = "indicateurs et sorties"

    def ready(self):
        from . import signals
        from .models import ExitRecord

        post_delete.connect(signals.exit_deleted, sender=ExitRecord, dispatch_uid="rollup_exit_deleted")
        pre_save.connect(signals.structure_before_save, sender="dossiers.Structure", dispatch_uid="rollup_kind_before")
        post_save.connect(signals.structure_saved, sender="dossiers.Structure", dispatch_uid="rollup_kind_after")
