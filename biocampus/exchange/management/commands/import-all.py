"""`biocampus import-all DIR`: restore a folder written by export-all, all of it or nothing."""

from django.core.management.base import BaseCommand, CommandError

from biocampus.exchange.backup import ExportFolderRefused, import_all
from biocampus.exchange.cli import progress_bar


class Command(BaseCommand):
    help = (
        "Import every file of a folder written by `biocampus export-all`, keeping public ids and provenance. "
        "Records that exist (same public id) are updated; one transaction: on any error nothing is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, **options):
        with progress_bar(self.stderr, desc="Importing") as bar:

            def progress(name, done, total):
                bar.set_description(name)
                bar(done, total)

            try:
                reports = import_all(options["directory"], progress=progress)
            except ExportFolderRefused as refusal:
                raise CommandError(str(refusal)) from None
        for report in reports:
            self.stdout.write(report.summary())
            if not report.ok:
                self.stdout.write(report.as_text())
        if not all(report.ok for report in reports):
            raise CommandError("Nothing was imported: a file was refused (see above).")
        self.stdout.write("Imported everything.")
