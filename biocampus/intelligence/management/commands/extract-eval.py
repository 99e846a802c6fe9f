"""`biocampus extract-eval GOLD_DIR [--format table|json] [--extractor rules|llm]`: precision, recall and F1 of the extractor against
annotated folders (text.txt + gold.json), per document and overall (micro)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from biocampus.intelligence.extraction.evaluate import AREAS, evaluate, gold_folders
from biocampus.intelligence.extraction.llm import LlmError
from biocampus.intelligence.services import EXTRACTORS, extractor_named


class Command(BaseCommand):
    help = "Score the extractor against folders holding text.txt and gold.json (organisations, relations, milestones)."

    def add_arguments(self, parser):
        parser.add_argument("gold_dir", help="a folder with text.txt and gold.json, or a folder of such folders")
        parser.add_argument("--format", default="table", dest="fmt", help="table (default) or json")
        parser.add_argument("--details", action="store_true", help="list missed and spurious items (table format)")
        parser.add_argument(
            "--extractor",
            choices=EXTRACTORS,
            default=None,
            help="rules (offline) or llm (the language model of BIOCAMPUS_LLM_URL); default: BIOCAMPUS_EXTRACTOR",
        )

    def handle(self, *args, **options):
        root = Path(options["gold_dir"])
        if not root.is_dir():
            raise CommandError(f"No such folder: {root}")
        if not gold_folders(root):
            raise CommandError(f"No annotated documents (text.txt + gold.json) under {root}")
        fmt = options["fmt"].lower()
        if fmt not in ("table", "json"):
            raise CommandError(f"Unknown format {options['fmt']!r}; use table or json.")
        try:
            extract, name, version = extractor_named(options["extractor"])
        except LlmError as error:
            raise CommandError(str(error)) from None
        try:
            report = evaluate(root, extractor=extract)
        except LlmError as error:
            raise CommandError(str(error)) from None
        except (ValueError, KeyError) as error:
            raise CommandError(f"A gold.json could not be read: {error}") from None
        report["extractor"] = {"name": name, "version": version}
        if fmt == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"extractor: {name} {version}".rstrip())
        header = f"{'document':<32}" + "".join(f"{a[:13]:>24}" for a in AREAS)
        self.stdout.write(header)
        self.stdout.write(f"{'':<32}" + "".join(f"{'P':>8}{'R':>8}{'F1':>8}" for _ in AREAS))
        for doc in report["documents"]:
            self.stdout.write(f"{doc['name'][:31]:<32}" + "".join(_cells(doc[a]) for a in AREAS))
            if options["details"]:
                for a in AREAS:
                    for item in doc[a]["missed"]:
                        self.stdout.write(f"    - missed   {a[:3]} {item}")
                    for item in doc[a]["spurious"]:
                        self.stdout.write(f"    + spurious {a[:3]} {item}")
        self.stdout.write(f"{'overall (micro)':<32}" + "".join(_cells(report["overall"][a]) for a in AREAS))


def _cells(s: dict) -> str:
    return f"{s['precision']:>8.2f}{s['recall']:>8.2f}{s['f1']:>8.2f}"
