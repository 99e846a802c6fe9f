"""`biocampus export-all DIR`: the whole database's domain data as one JSON file per kind.

Django loads a command by importing `commands.<name>`; importlib accepts the hyphen in `export-all` (it
never parses the name as an identifier), so the command needs no alias. Nothing imports this module by a
Python import statement.
"""

from django.core.management.base import BaseCommand

from biocampus.exchange.exporter import export_all


class Command(BaseCommand):
    help = (
        "Write every organisation, person, campus, residency, event, agreement, programme, target, milestone "
        "and funding round to DIR (one <kind>.json each, plus manifest.json). Two databases with the same data "
        "give byte-identical files, manifest aside. `biocampus import-all DIR` reads them back."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="folder to write (created if missing; our files are overwritten)")

    def handle(self, *args, **options):
        counts = export_all(options["directory"])
        total = sum(counts.values())
        details = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(f"Exported {total} records to {options['directory']}: {details}.")
