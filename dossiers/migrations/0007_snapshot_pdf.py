from django.db import migrations, models
from django.db.models.functions import Cast, Concat


def name_existing_pdfs(apps, schema_editor):
    """Earlier snapshots get the name of their PDF (dossiers.models.snapshot_pdf_name): their
    first download renders and stores it."""
    Snapshot = apps.get_model("dossiers", "Snapshot")
    text = models.CharField()
    Snapshot.objects.filter(pdf="").update(
        pdf=Concat(
            models.Value("dossiers/"),
            Cast("dossier_id", text),
            models.Value("/versions/synthese-v"),
            Cast("number", text),
            models.Value(".pdf"),
            output_field=text,
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0006_first_submitted_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="snapshot",
            name="pdf",
            field=models.FileField(blank=True, max_length=200, upload_to="", verbose_name="synthèse PDF"),
        ),
        migrations.RunPython(name_existing_pdfs, migrations.RunPython.noop),
    ]
