"""The yearly report of a campus for government partners: one content, drawn as PDF or XLSX."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from biocampus.accounts.permissions import campuses_reportable_by

from .content import LANGUAGES, STEPS, ReportContent, find_campus, gather, system_reader

FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

__all__ = [
    "FORMATS",
    "LANGUAGES",
    "STEPS",
    "ReportContent",
    "build_report",
    "campuses_reportable_by",
    "file_name",
    "find_campus",
    "gather",
    "render",
    "system_reader",
    "write_atomically",
]


def render(content: ReportContent, fmt: str) -> bytes:
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(content)
    if fmt == "xlsx":
        from .xlsx import render_xlsx

        return render_xlsx(content)
    raise ValueError(f"unknown report format {fmt!r}")


def build_report(
    user, campus, year: int, fmt: str, *, language: str = "en", progress: Callable[[str], None] | None = None
) -> bytes:
    """Gather and draw the report; `progress(step)` is called as each of STEPS begins."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}")
    content = gather(user, campus, year, language=language, progress=progress)
    if progress:
        progress("write")
    return render(content, fmt)


def file_name(campus, year: int, fmt: str, language: str = "en") -> str:
    return f"{campus.slug}-report-{year}-{language}.{fmt}"


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename: a reader never sees half a report."""
    handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(scratch, 0o666 & ~umask)  # as an ordinary new file (mkstemp makes it private)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
