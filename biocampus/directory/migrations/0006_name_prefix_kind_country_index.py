"""SQLite: the name index of a search's best matches also holds the kind and the country, which the lookup
checks there instead of reading each named organisation's row (directory/search.py, _best_match_rows).
Nothing on PostgreSQL. About 30 seconds at 1,000,000 organisations (a file of 7.6 GB)."""

from django.db import migrations

from biocampus.core.migration_ops import sqlite_only


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_best_match_indexes")]

    operations = [
        sqlite_only(
            [
                "CREATE INDEX IF NOT EXISTS org_name_prefix_kind_country_idx"
                " ON directory_organization(lower(name), kind, country)",
                "DROP INDEX IF EXISTS org_name_lower_idx",
            ],
            [
                "CREATE INDEX IF NOT EXISTS org_name_lower_idx ON directory_organization(lower(name))",
                "DROP INDEX IF EXISTS org_name_prefix_kind_country_idx",
            ],
        )
    ]
