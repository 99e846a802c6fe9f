"""SQLite: look up two-character search terms (most Chinese words) through the trigram index instead of
reading every organisation (directory/search.py, SQLITE_SHORT_TERMS_CREATE). Nothing on PostgreSQL."""

from django.db import migrations

from biocampus.directory.search import create_short_term_index, drop_short_term_index


def forwards(apps, schema_editor):
    create_short_term_index(schema_editor)


def backwards(apps, schema_editor):
    drop_short_term_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_list_indexes_and_search")]

    operations = [migrations.RunPython(forwards, backwards)]
