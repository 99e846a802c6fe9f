from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    """The campus's numbers (kpis.py, each KPI defined once), the dashboard, the ecosystem graph and the
    reports for government partners."""

    name = "biocampus.insight"
    verbose_name = _("Insight")

    def ready(self):
        from django.db.models.signals import post_delete, pre_delete

        from biocampus.campuses.models import Campus

        from . import network_rollups

        # A campus deleted takes its KPI buckets with it (a cascade, not a service): the network's sums follow.
        pre_delete.connect(network_rollups.campus_deleting, sender=Campus, dispatch_uid="insight_campus_deleting")
        post_delete.connect(network_rollups.campus_deleted, sender=Campus, dispatch_uid="insight_campus_deleted")
