"""`biocampus export KIND FILE`: every record of one kind as CSV, XLSX or JSON (the import's columns)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from biocampus.exchange import formats
from biocampus.exchange.exporter import export_records
from biocampus.exchange.kinds import KINDS, kind_named


class Command(BaseCommand):
    help = "Export every record of one kind to a .csv, .xlsx or .json file with the columns the import reads."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="one of: " + ", ".join(KINDS))
        parser.add_argument("file", help="where to write: its extension picks the format")

    def handle(self, *args, **options):
        try:
            kind = kind_named(options["kind"])
            fmt = formats.format_of(options["file"])
        except KeyError:
            raise CommandError(f"Unknown kind {options['kind']!r}; use one of: {', '.join(KINDS)}.") from None
        except formats.FileRefused as refusal:
            raise CommandError(refusal.message) from None
        data = export_records(kind, kind.model._default_manager.all(), fmt, stable_order=True)
        Path(options["file"]).write_bytes(data)
        self.stdout.write(f"Wrote {options['file']}.")
