"""KpiRollup.campus loses its own index: the unique (campus, metric, month, key) leads with the campus and
serves the foreign key, and PostgreSQL preferred the campus index for the dashboard's read of a campus's
buckets, reading all of them (models.KpiRollup says by how much).

Only the index is dropped (same name on both databases): AlterField alone would rebuild the table on SQLite
(three million rows at 1,000,000 organisations) and validate the foreign key again on PostgreSQL."""

import django.db.models.deletion
from django.db import migrations, models

CAMPUS_INDEX = "insight_kpirollup_campus_id_e53dda42"


class Migration(migrations.Migration):
    dependencies = [
        ("campuses", "0002_initial"),
        ("insight", "0005_network_rollups"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="kpirollup",
                    name="campus",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="kpi_rollups",
                        to="campuses.campus",
                        verbose_name="campus",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{CAMPUS_INDEX}"',
                    reverse_sql=f'CREATE INDEX "{CAMPUS_INDEX}" ON "insight_kpirollup" ("campus_id")',
                ),
            ],
        ),
    ]
