"""SQLite: indexes on the lower-cased name and on the Chinese name, so that a search with many matches
finds its best matches (the name is the query or starts with it) by name instead of among every match
(directory/search.py, many_matches_page). Nothing on PostgreSQL. Its statements are written out here, as they
were: migration 0006 replaced the name index."""

from django.db import migrations

from biocampus.core.migration_ops import sqlite_only


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_two_character_search")]

    operations = [
        sqlite_only(
            [
                "CREATE INDEX IF NOT EXISTS org_name_lower_idx ON directory_organization(lower(name))",
                "CREATE INDEX IF NOT EXISTS org_name_zh_idx ON directory_organization(name_zh)",
            ],
            ["DROP INDEX IF EXISTS org_name_lower_idx", "DROP INDEX IF EXISTS org_name_zh_idx"],
        )
    ]
