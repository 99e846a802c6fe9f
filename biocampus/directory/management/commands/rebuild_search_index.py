"""`rebuild_search_index`: rebuild directory search's index from `search_text` (see docs/search.md)."""

from django.core.management.base import BaseCommand, CommandError

from biocampus.directory.search import check_search_index, rebuild_search_index


class Command(BaseCommand):
    help = (
        "Rebuild the directory search index (SQLite: the FTS5 table, from search_text; PostgreSQL: REINDEX "
        "of the trigram indexes). With --check, only say whether the index agrees with the table."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Check the index; exit 1 if it is out of step.")

    def handle(self, *args, check=False, **options):
        if check:
            if not check_search_index():
                raise CommandError("The search index is out of step: run `biocampus rebuild_search_index`.")
            self.stdout.write("The search index agrees with the table.")
            return
        self.stdout.write(rebuild_search_index())
