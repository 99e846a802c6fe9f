"""`generate`: fill the database with a synthetic ecosystem of N organisations (docs/generate.md)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from biocampus.synthetic import generator


class Command(BaseCommand):
    help = (
        "Fill the database with a synthetic ecosystem of N organisations (names in English and Chinese, "
        "campuses, residencies, agreements, milestones, targets, funding rounds) with bulk inserts. "
        "The same seed gives the same rows. Refused where demo data is disabled unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--orgs", type=int, required=True, help="How many organisations (at least 1).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1); one seed, one ecosystem.")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=generator.DEFAULT_BATCH_SIZE,
            help=f"Rows per insert and per transaction (default {generator.DEFAULT_BATCH_SIZE}).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even where demo data is disabled (production settings)."
        )

    def handle(self, *args, orgs, seed, batch_size, force, **options):
        if orgs < 1:
            raise CommandError("--orgs must be at least 1.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if not getattr(settings, "BIOCAMPUS_ALLOW_DEMO", False) and not force:
            raise CommandError(
                "These settings do not allow demo data (BIOCAMPUS_ALLOW_DEMO is false): synthetic rows would mix "
                "with real records. Pass --force if this database is a throwaway one."
            )
        if generator.already_generated(seed):
            raise CommandError(f"Seed {seed} was already generated into this database; use another --seed.")
        database = connection.settings_dict["NAME"]
        self.stderr.write(
            f"Generating {orgs:,} organisations (seed {seed}, {generator.campus_count(orgs)} campuses) "
            f"into {connection.vendor} database {database}."
        )

        def bar(desc, total):
            # tqdm redraws with carriage returns: write to the raw stream, not Django's OutputWrapper.
            return tqdm(total=total, desc=desc, unit="row", file=self.stderr._out, mininterval=0.5)

        started = time.monotonic()
        result = generator.generate(orgs=orgs, seed=seed, batch_size=batch_size, progress=bar)
        seconds = time.monotonic() - started
        total = sum(result.created.values())
        for label, number in result.created.items():
            self.stdout.write(f"{label}: {number:,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{total:,} rows in {seconds:,.1f} s ({total / max(seconds, 0.001):,.0f} rows/s); "
                f"provenance #{result.provenance.pk}: {result.provenance.note}"
            )
        )
