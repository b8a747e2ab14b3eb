from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill_first_transmission(apps, schema_editor):
    """The first transmission of the dossiers already transmitted: their first logged `submit` or
    `resubmit`, else the stored (latest) transmission date."""
    Dossier = apps.get_model("dossiers", "Dossier")
    DossierTransition = apps.get_model("dossiers", "DossierTransition")
    first = (
        DossierTransition.objects.filter(dossier=OuterRef("pk"), name__in=["submit", "resubmit"])
        .order_by("created_at", "pk")
        .values("created_at")[:1]
    )
    Dossier.objects.filter(first_submitted_at__isnull=True).update(
        first_submitted_at=Coalesce(Subquery(first), F("submitted_at"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0005_axis_saved_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="first_submitted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="première transmission le"),
        ),
        migrations.RunPython(fill_first_transmission, migrations.RunPython.noop),
    ]
