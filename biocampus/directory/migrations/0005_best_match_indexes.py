"""SQLite: indexes on the lower-cased name and on the Chinese name, so that a search with many matches
finds its best matches (the name is the query or starts with it) by name instead of among every match
(directory/search.py, many_matches_page). Nothing on PostgreSQL. Its statements are written out here, as they
were: migration 0006 replaced the name index."""

from django.db import migrations

CREATE = [
    "CREATE INDEX IF NOT EXISTS org_name_lower_idx ON directory_organization(lower(name))",
    "CREATE INDEX IF NOT EXISTS org_name_zh_idx ON directory_organization(name_zh)",
]
DROP = ["DROP INDEX IF EXISTS org_name_lower_idx", "DROP INDEX IF EXISTS org_name_zh_idx"]


def _run(schema_editor, statements):
    if schema_editor.connection.vendor == "sqlite":
        for statement in statements:
            schema_editor.execute(statement)


def forwards(apps, schema_editor):
    _run(schema_editor, CREATE)


def backwards(apps, schema_editor):
    _run(schema_editor, DROP)


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_two_character_search")]

    operations = [migrations.RunPython(forwards, backwards)]
