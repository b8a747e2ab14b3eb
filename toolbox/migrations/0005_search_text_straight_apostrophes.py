"""The plain search (SQLite) now reads ’ as ': the stored search text of existing resources is
written again the same way (PostgreSQL's French parser already splits words at both)."""

from django.db import migrations

from toolbox.calculations import searchable_text


def refresh_search_text(apps, schema_editor):
    Resource = apps.get_model("toolbox", "Resource")
    for resource in Resource.objects.only("pk", "title", "tags", "summary", "search_text").iterator():
        text = searchable_text(resource.title, resource.tags, resource.summary)
        if text != resource.search_text:
            Resource.objects.filter(pk=resource.pk).update(search_text=text)


class Migration(migrations.Migration):
    dependencies = [("toolbox", "0004_history_of_resources")]

    operations = [migrations.RunPython(refresh_search_text, migrations.RunPython.noop)]
