from django.db import migrations

INDEX = "toolbox_resource_search_vector_gin"


def create_index(apps, schema_editor):
    # A GIN index exists on PostgreSQL only; SQLite searches with LIKE and has no such column in use.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON toolbox_resource USING gin (search_vector)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("toolbox", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
