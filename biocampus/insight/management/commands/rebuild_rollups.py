"""`biocampus rebuild_rollups [--campus SLUG] [--stale]`: recompute the KPI rollups from the records.

Run it after bulk writes that bypass the services (restoring a dump without the rollup tables, SQL by
hand), and with --stale after an upgrade that adds a rollup (the release notes say so; `--stale` is cheap
when nothing is stale): until a campus is rebuilt, its KPIs are computed live (slower, but right). Either
way it ends by rebuilding the network's sums of the campuses' rollups when they were set aside
(insight.network_rollups); until then the network-wide dashboard sums the campuses' rollups itself.
"""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from biocampus.campuses.models import Campus
from biocampus.insight import network_rollups, rollups
from biocampus.insight.models import KpiRollup


class Command(BaseCommand):
    help = "Recompute the KPI rollups of every campus (or of one) from the records."

    def add_arguments(self, parser):
        parser.add_argument("--campus", help="only this campus (its short name)")
        parser.add_argument(
            "--stale",
            action="store_true",
            help="only the campuses never rebuilt or rebuilt by an older version of the rollups",
        )

    def handle(self, *args, **options):
        campuses = Campus.objects.order_by("pk")
        if options["campus"]:
            campuses = campuses.filter(slug=options["campus"])
            if not campuses.exists():
                raise CommandError(f"Unknown campus {options['campus']!r}: give its short name (slug).")
        ids = list(campuses.values_list("pk", flat=True))
        if options["stale"]:
            stale = set(rollups.stale_campus_ids())
            ids = [pk for pk in ids if pk in stale]
        with tqdm(total=len(ids), desc="rollups", unit="campus", file=self.stderr, mininterval=0.2) as bar:
            for campus_id in ids:
                rollups.rebuild(campus_id)  # one transaction per campus: readers see it whole or not at all
                bar.update(1)
        self.stdout.write(f"Rebuilt the KPI rollups of {len(ids)} campus(es).")
        # The network's sums are kept from the campuses' changes; after large ones (a campus filled in bulk,
        # an upgrade) they were set aside, and are rebuilt here from every campus's buckets.
        if not network_rollups.is_current():
            total = KpiRollup.objects.count()
            with tqdm(total=total, desc="network", unit="bucket", file=self.stderr, mininterval=0.2) as bar:
                rollups.rebuild_network(progress=bar.update)
            self.stdout.write("Rebuilt the network's KPI rollups.")
