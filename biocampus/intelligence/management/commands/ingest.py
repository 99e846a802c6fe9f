"""biocampus ingest PATH... [--campus SLUG] [--user USERNAME] [--background]

Ingest press releases from files and folders (recursively: .txt, .html, .htm, .pdf, .docx, .md): one line
per file (new / already ingested / failed: reason), a progress bar on stderr, exit status 1 when every
file failed. Batches larger than BIOCAMPUS_INGEST_BACKGROUND_THRESHOLD (or --background) are queued for
`biocampus db_worker`.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from biocampus.exchange.cli import actor_named, campus_named
from biocampus.intelligence import services
from biocampus.intelligence.readers import UnreadableDocument, is_known, read_document
from biocampus.intelligence.services import background_threshold


def files_under(paths: list[str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """The files named, and those of known kinds under the folders named; plus (path, reason) of missing ones."""
    found, missing = [], []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and is_known(p.name)))
        elif path.is_file():
            found.append(path)
        else:
            missing.append((name, "no such file or folder"))
    return found, missing


class Command(BaseCommand):
    help = "Ingest press releases (files or folders) for review; the same document twice is recognised."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (searched recursively)")
        parser.add_argument("--campus", metavar="SLUG", help="the campus whose team reviews them")
        parser.add_argument("--user", metavar="USERNAME", help="act as this user, with their permissions")
        parser.add_argument("--background", action="store_true", help="queue them for the background worker")

    def handle(self, *args, **options):
        campus = campus_named(options["campus"]) if options["campus"] else None
        actor = actor_named(options["user"]) if options["user"] else None
        files, missing = files_under(options["paths"])
        failures = [{"name": name, "reason": reason} for name, reason in missing]
        read = []
        stream = getattr(self.stderr, "_out", self.stderr)
        background = options["background"] or len(files) > background_threshold()
        with tqdm(total=len(files), desc="ingest", unit="file", file=stream, mininterval=0.2,
                  disable=not files) as bar:  # fmt: skip
            for path in files:
                try:
                    title, text = read_document(path.read_bytes(), path.name)
                except (UnreadableDocument, OSError) as error:
                    failures.append({"name": str(path), "reason": str(error)})
                    bar.update(1)
                    continue
                if background:
                    read.append({"name": str(path), "title": title, "text": text})
                    bar.update(1)
                    continue
                try:
                    result = services.ingest_text(actor=actor, text=text, title=title, campus=campus,
                                                  file_name=path.name)  # fmt: skip
                except (ValidationError, PermissionDenied) as error:
                    failures.append({"name": str(path), "reason": _reason(error)})
                else:
                    read.append({"name": str(path), "outcome": result.outcome, "document": result.document})
                bar.update(1)
        if background and read:
            try:
                run = services.ingest_run_queue(actor=actor, documents=read, campus=campus, failures=failures)
            except (ValidationError, PermissionDenied) as error:
                raise CommandError(_reason(error)) from error
            for failure in failures:
                self.stdout.write(f"failed: {failure['name']}: {failure['reason']}")
            self.stdout.write(
                f"queued: {len(read)} documents as run {run.public_id}; `biocampus db_worker` stores and reads them."
            )
            return
        for item in read:
            label = "new" if item["outcome"] == "new" else "already ingested"
            self.stdout.write(f"{label}: {item['name']} -> {item['document']} ({item['document'].public_id})")
        for failure in failures:
            self.stdout.write(f"failed: {failure['name']}: {failure['reason']}")
        new = sum(1 for item in read if item["outcome"] == "new")
        self.stdout.write(f"{new} new, {len(read) - new} already ingested, {len(failures)} failed.")
        if not read:
            raise CommandError("No document could be ingested.", returncode=1)


def _reason(error) -> str:
    return " ".join(getattr(error, "messages", None) or [str(error)])
