"""`biocampus report --campus SLUG --year YYYY --format pdf|xlsx --out FILE`: a campus's yearly report."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from biocampus.insight import reports


class Command(BaseCommand):
    help = "Write a campus's report of one year (key figures, charts, new residents, agreements, milestones)."

    def add_arguments(self, parser):
        parser.add_argument("--campus", required=True, help="the campus's short name (slug) or public id")
        parser.add_argument("--year", required=True, help="the calendar year, e.g. 2020")
        parser.add_argument("--format", required=True, dest="fmt", help="pdf or xlsx")
        parser.add_argument("--out", required=True, help="the file to write")
        parser.add_argument("--language", default="en", help="en or zh-hans (default: en)")

    def handle(self, *args, **options):
        campus = reports.find_campus(options["campus"])
        if campus is None:
            raise CommandError(f"Unknown campus {options['campus']!r}: give its short name or public id.")
        year = _year(options["year"])
        fmt = options["fmt"].lower()
        if fmt not in reports.FORMATS:
            raise CommandError(f"Unknown format {options['fmt']!r}; use pdf or xlsx.")
        language = options["language"].lower()
        if language not in reports.LANGUAGES:
            raise CommandError(f"Unknown language {options['language']!r}; use en or zh-hans.")
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"Cannot write {out}: the folder {out.parent} does not exist.")
        if out.is_dir():
            raise CommandError(f"Cannot write {out}: it is a folder.")
        with tqdm(total=len(reports.STEPS), desc="report", unit="step", file=self.stderr._out) as bar:

            def progress(step: str) -> None:
                # A step begins when the one before it ends.
                if step != reports.STEPS[0]:
                    bar.update(1)
                bar.set_postfix_str(step)

            # The command runs as the system: the whole campus, whatever any user may see.
            data = reports.build_report(
                reports.system_reader(), campus, year, fmt, language=language, progress=progress
            )
            bar.update(1)
        try:
            reports.write_atomically(out, data)
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror or error}.") from None
        self.stdout.write(f"Wrote {out} ({campus.slug}, {year}, {fmt}, {language}).")


def _year(value: str) -> int:
    try:
        year = int(value)
    except ValueError:
        year = 0
    if not 1900 <= year <= datetime.date.today().year + 1:
        raise CommandError(f"Bad year {value!r}: give a four-digit calendar year such as 2020.")
    return year
