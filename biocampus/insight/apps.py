from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    """The campus's numbers (kpis.py, each KPI defined once), the dashboard, the ecosystem graph and the
    reports for government partners."""

    name = "biocampus.insight"
    verbose_name = _("Insight")
