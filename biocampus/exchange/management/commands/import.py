"""`biocampus import KIND FILE`: import a CSV, XLSX or JSON file; the report on stdout, progress on stderr."""

import argparse

from django.core.management.base import BaseCommand, CommandError

from biocampus.exchange import bulk
from biocampus.exchange.cli import actor_named, campus_named, progress_bar
from biocampus.exchange.importer import ImportOptions, import_path
from biocampus.exchange.kinds import KINDS, kind_named


class Command(BaseCommand):
    help = (
        "Import organisations, people, residencies, agreements, milestones or funding rounds (or any other kind "
        "of export-all) from a CSV (UTF-8), XLSX or JSON file. Every row is checked first; nothing is written "
        "unless every row is fine, or --skip-invalid is given. Exits 1 when something is invalid and not skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", help="one of: " + ", ".join(KINDS))
        parser.add_argument("file", help="a .csv, .xlsx or .json file")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument("--skip-invalid", action="store_true", help="import the valid rows, skip the others")
        parser.add_argument(
            "--create-new",
            action="store_true",
            help="create rows that are probably existing organisations as new ones (default: report them)",
        )
        parser.add_argument("--campus", metavar="SLUG", help="campus of rows that name none")
        parser.add_argument("--user", metavar="USERNAME", help="act as this user, with their permissions")
        parser.add_argument(
            "--bulk",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="organisations CSV only: create every row in bulk (all or nothing, no updates, no fuzzy duplicate "
            "check). Default: in bulk above BIOCAMPUS_BULK_IMPORT_ROWS rows (100,000), the normal import below",
        )

    def handle(self, *args, **options):
        try:
            kind = kind_named(options["kind"])
        except KeyError:
            raise CommandError(
                f"Unknown kind {options['kind']!r}; use one of: {', '.join(KINDS)}.", returncode=2
            ) from None
        if options["bulk"]:
            if not bulk.applies(kind, options["file"]):
                raise CommandError("--bulk imports organisations from a .csv file only.", returncode=2)
            if options["skip_invalid"]:
                raise CommandError("--bulk imports all rows or none: it cannot --skip-invalid.", returncode=2)
        import_options = ImportOptions(
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
            create_new=options["create_new"],
            default_campus=campus_named(options["campus"]) if options["campus"] else None,
            bulk=options["bulk"],
        )
        actor = actor_named(options["user"]) if options["user"] else None
        with progress_bar(self.stderr, desc=f"Importing {kind.name}") as progress:
            report = import_path(kind, options["file"], actor=actor, options=import_options, progress=progress)
        self.stdout.write(report.as_text())
        if not report.ok:
            raise CommandError(report.verdict())
