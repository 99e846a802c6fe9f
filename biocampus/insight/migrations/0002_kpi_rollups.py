import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campuses", "0002_initial"),
        ("insight", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="KpiRollup",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("metric", models.CharField(max_length=48, verbose_name="metric")),
                ("month", models.DateField(help_text="The first day of the month.", verbose_name="month")),
                ("key", models.CharField(max_length=64, verbose_name="key")),
                ("value", models.BigIntegerField(default=0, verbose_name="value")),
                (
                    "campus",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="kpi_rollups",
                        to="campuses.campus",
                        verbose_name="campus",
                    ),
                ),
            ],
            options={
                "verbose_name": "KPI rollup",
                "verbose_name_plural": "KPI rollups",
                "indexes": [models.Index(fields=["metric", "month"], name="kpi_rollup_metric_month_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("campus", "metric", "month", "key"), name="kpi_rollup_bucket_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="KpiRollupCoverage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("rebuilt_at", models.DateTimeField(auto_now=True, verbose_name="rebuilt at")),
                (
                    "campus",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="kpi_rollup_coverage",
                        to="campuses.campus",
                        verbose_name="campus",
                    ),
                ),
            ],
            options={"verbose_name": "KPI rollup coverage", "verbose_name_plural": "KPI rollup coverage"},
        ),
    ]
