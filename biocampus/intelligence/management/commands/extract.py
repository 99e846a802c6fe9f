"""`biocampus extract FILE [--format json|text] [--link] [--extractor rules|llm]`: what one document says, as proposed
records with evidence."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from biocampus.intelligence.extraction.llm import LlmError
from biocampus.intelligence.services import EXTRACTORS, extractor_named


class Command(BaseCommand):
    help = "Extract organisations, relations, milestones and events from one press release (txt, html, pdf, docx)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the document to read")
        parser.add_argument("--format", default="json", dest="fmt", help="json (default) or text")
        parser.add_argument(
            "--link", action="store_true", help="match the organisations against the registry (one query)"
        )
        parser.add_argument(
            "--extractor",
            choices=EXTRACTORS,
            default=None,
            help="rules (offline) or llm (the language model of BIOCAMPUS_LLM_URL); default: BIOCAMPUS_EXTRACTOR",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        fmt = options["fmt"].lower()
        if fmt not in ("json", "text"):
            raise CommandError(f"Unknown format {options['fmt']!r}; use json or text.")
        try:
            extract, _name, _version = extractor_named(options["extractor"])
        except LlmError as error:
            raise CommandError(str(error)) from None
        title, text = read_file(path)
        linker = None
        if options["link"]:
            from biocampus.directory.models import Organization
            from biocampus.intelligence.extraction.linking import RegistryLinker

            linker = RegistryLinker(Organization.objects.all())
        try:
            result = extract(text, title=title or None, source=str(path), linker=linker)
        except LlmError as error:
            raise CommandError(str(error)) from None
        if fmt == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"{result['title'] or path.name} ({result['date'] or 'no date'})")
        for o in result["organizations"]:
            self.stdout.write(f"  org  {o['name']} [{o['kind']}, {o['country'] or '-'}] {', '.join(o['aliases'])}")
        for r in result["relations"]:
            self.stdout.write(
                f"  rel  {r['type']}: {' | '.join(r['parties'])}" + (f" @ {r['event']}" if r["event"] else "")
            )
        for m in result["milestones"]:
            self.stdout.write(
                f"  mil  {m['org']}: {m['kind']} {m['value'] if m['value'] is not None else ''} {m['unit'] or ''}"
            )
        for e in result["events"]:
            self.stdout.write(f"  evt  {e['name']}" + (f" in {e['place']}" if e["place"] else ""))


def read_file(path: Path) -> tuple[str, str]:
    """(title, text) of a file: .txt directly; html, pdf and docx through the ingest readers."""
    data = path.read_bytes()
    try:
        from biocampus.intelligence.readers import UnreadableDocument, read_document
    except ImportError:  # the readers arrive with the ingest part; plain text needs none
        if path.suffix.lower() not in (".txt", ".text", ".md"):
            raise CommandError(f"Cannot read {path.suffix or 'this'} files yet: give a .txt file.") from None
        return "", data.decode("utf-8", "replace")
    if path.suffix.lower() in (".txt", ".text", ".md"):
        # The extractor reads the text as written (its own masking keeps offsets); no normalisation needed.
        return "", data.decode("utf-8", "replace")
    try:
        return read_document(data, path.name)
    except UnreadableDocument as error:
        raise CommandError(str(error)) from None
