"""`load_demo`: create the demo campus (I·Campus Wuxi at the 3rd CIIE) and its demo logins."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from biocampus.demo import seed
from biocampus.directory.models import Organization


class Command(BaseCommand):
    help = (
        "Load the demo campus (I·Campus Wuxi and its network at the 3rd CIIE) and the demo logins. "
        "Idempotent: only what is missing is created. Refused unless BIOCAMPUS_ALLOW_DEMO is true."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only when there are no organisations yet (for first start-up scripts).",
        )

    def handle(self, *args, if_empty=False, **options):
        if not getattr(settings, "BIOCAMPUS_ALLOW_DEMO", False):
            raise CommandError(
                "Demo data is disabled in these settings (BIOCAMPUS_ALLOW_DEMO is false); "
                "the demo creates a well-known demo/demo login."
            )
        with transaction.atomic():
            if if_empty and Organization.objects.exists():
                self.stdout.write("Organisations already exist: demo data not loaded.")
                return
            created = seed.load()
            totals = seed.counts()
        for label, number in created.items():
            self.stdout.write(f"{label}: {number} created, {totals[label]} in all")
        self.stdout.write(self.style.SUCCESS(f"Demo campus loaded: {sum(created.values())} rows created."))
        self.stdout.write("Demo login: user demo / password demo")
