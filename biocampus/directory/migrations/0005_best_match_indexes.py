"""SQLite: indexes on the lower-cased name and on the Chinese name, so that a search with many matches
finds its best matches (the name is the query or starts with it) by name instead of among every match
(directory/search.py, many_matches_page). Nothing on PostgreSQL."""

from django.db import migrations

from biocampus.directory.search import create_best_match_index, drop_best_match_index


def forwards(apps, schema_editor):
    create_best_match_index(schema_editor)


def backwards(apps, schema_editor):
    drop_best_match_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_two_character_search")]

    operations = [migrations.RunPython(forwards, backwards)]
