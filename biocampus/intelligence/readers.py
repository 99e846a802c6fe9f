"""Text out of the files campus teams receive: plain text, web pages, PDF and Word documents.

Pure functions: `read_document(data, name)` takes the file's bytes and name and returns `(title, text)`,
or raises `UnreadableDocument` with a message a campus team understands. Nothing here touches the
database, so the command, the upload form and the background worker read files the same way.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

EXTENSIONS = frozenset({"txt", "text", "md", "html", "htm", "pdf", "docx"})
# Bytes that never occur in text: a "text" file holding many of them is a binary renamed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CJK_ENCODINGS = frozenset(
    {"gb18030", "gbk", "gb2312", "big5", "big5hkscs", "shift_jis", "cp932", "euc_jp", "euc_kr", "cp949"}
)
_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+\n")


class UnreadableDocument(ValueError):
    """A file we cannot (or will not) read as a document; str() is the reason, for the person who sent it."""


def max_ingest_bytes() -> int:
    return int(getattr(settings, "BIOCAMPUS_INGEST_MAX_BYTES", 20 * 1024 * 1024))


def extension_of(name: str) -> str:
    base = PurePath(name or "").name
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def is_known(name: str) -> bool:
    return extension_of(name) in EXTENSIONS


def read_document(data: bytes, name: str) -> tuple[str, str]:
    """(title, text) of a file. The text is normalised (see normalise_text); the title may be ''."""
    limit = max_ingest_bytes()
    if len(data) > limit:
        raise UnreadableDocument(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(len(data) / 1048576, 1), "limit": round(limit / 1048576, 1)}
        )
    if not data.strip():
        raise UnreadableDocument(_("The file is empty."))
    extension = extension_of(name)
    if extension in ("txt", "text", "md"):
        title, text = "", decode_text(data)
    elif extension in ("html", "htm"):
        title, text = _read_html(decode_text(data, allow_markup=True))
    elif extension == "pdf":
        title, text = _read_pdf(data)
    elif extension == "docx":
        title, text = _read_docx(data)
    else:
        raise UnreadableDocument(
            _("Files of type “%(ext)s” cannot be read. Readable: %(allowed)s.")
            % {"ext": extension or "?", "allowed": ", ".join(sorted(EXTENSIONS))}
        )
    text = normalise_text(text)
    if not text:
        raise UnreadableDocument(_("The file holds no text."))
    if not title:
        title = title_from_text(text)
    return normalise_text(title).replace("\n", " ")[:500], text


def normalise_text(text: str) -> str:
    """The one form of a text we store and fingerprint: NUL and control characters dropped, line ends
    unified, NFC, trailing blanks and runs of empty lines removed. The same release pasted or uploaded
    twice gives the same text, hence the same SHA-256."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _TRAILING_SPACE.sub("\n", text)
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def decode_text(data: bytes, *, allow_markup: bool = False) -> str:
    """Decode bytes that should be text: UTF-8 (with or without BOM), UTF-16 (BOM or a NUL in every other
    byte), an East Asian encoding if detection finds one, then Windows-1252 / Latin-1. Refuse what is
    plainly binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _checked(data.decode("utf-16", errors="replace"))
    if _looks_utf16(data):
        encoding = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        return _checked(data.decode(encoding, errors="replace"))
    try:
        return _checked(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    # Not UTF-8. East Asian releases come in GB18030, Big5 or Shift-JIS, which detection tells apart
    # reliably; everything else is read as Windows-1252 / Latin-1 (detection guesses wrong on short Western
    # texts, a Latin-1 reading is at worst a few odd letters).
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is not None and best.encoding in _CJK_ENCODINGS:
            return _checked(data.decode(best.encoding, errors="replace"))
    except (ImportError, LookupError):
        pass
    try:
        return _checked(data.decode("cp1252"))
    except UnicodeDecodeError:
        pass
    return _checked(data.decode("latin-1"))


def _looks_utf16(data: bytes) -> bool:
    sample = data[:2000]
    if len(sample) < 4:
        return False
    evens, odds = sample[0::2], sample[1::2]
    return (
        odds.count(0) > 0.4 * len(odds)
        and evens.count(0) < 0.05 * len(evens)
        or (evens.count(0) > 0.4 * len(evens) and odds.count(0) < 0.05 * len(odds))
    )


def _checked(text: str) -> str:
    """Refuse binary content read as text: many control characters or replacement marks. A stray NUL
    byte or two is dropped by normalise_text."""
    sample = text[:20000]
    if not sample:
        return text
    junk = len(_CONTROL.findall(sample)) + sample.count("\ufffd")
    if junk > max(8, 0.02 * len(sample)):
        raise UnreadableDocument(_("The file is not text (it looks like a binary file)."))
    return text


def title_from_text(text: str) -> str:
    """A title for a text that has none: its first line, skipping bylines ("Post sponsored by": under four
    words; "Source: ...", "By: ...": a label and a colon), cut at a word near 120 characters."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if len(line.split()) >= 4 and ":" not in line[:12]:
            return line if len(line) <= 120 else line[:120].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return lines[0][:300] if lines else ""


def _read_html(markup: str) -> tuple[str, str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for element in soup(["script", "style", "nav", "footer", "noscript", "template", "iframe", "svg", "form",
                         "header", "aside"]):  # fmt: skip
        element.decompose()
    title = ""
    heading = soup.find("h1")
    if heading and heading.get_text(strip=True):
        title = heading.get_text(" ", strip=True)
    elif soup.title and soup.title.get_text(strip=True):
        title = soup.title.get_text(" ", strip=True)
    if soup.title:
        soup.title.decompose()
    body = soup.body or soup
    blocks = []
    block_tags = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th", "dt", "dd"]
    for element in body.find_all(block_tags):
        if element.find(block_tags):  # a block holding blocks: its children give the lines
            continue
        line = " ".join(element.get_text(" ", strip=True).split())
        if line:
            blocks.append(line)
    if not blocks:  # a page without paragraphs: its text, one line per line
        blocks = [" ".join(line.split()) for line in body.get_text("\n").splitlines() if line.strip()]
    return title, "\n\n".join(blocks)


def _read_pdf(data: bytes) -> tuple[str, str]:
    if not data.startswith(b"%PDF-"):
        raise UnreadableDocument(_("The content of this file is not a PDF."))
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UnreadableDocument(_("The PDF is encrypted."))
        pages = [page.extract_text() or "" for page in reader.pages]
        title = ""
        if reader.metadata and reader.metadata.title:
            title = str(reader.metadata.title)
    except UnreadableDocument:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise UnreadableDocument(_("The PDF cannot be read (%(error)s).") % {"error": type(error).__name__}) from error
    return title, "\n\n".join(pages)


def _read_docx(data: bytes) -> tuple[str, str]:
    if not data.startswith(b"PK\x03\x04"):
        raise UnreadableDocument(_("The content of this file is not a Word document."))
    import zipfile

    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UnreadableDocument(_("The Word document cannot be read.")) from error
    title = document.core_properties.title or ""
    lines = []
    for paragraph in document.paragraphs:
        if paragraph.text.strip():
            if not title and paragraph.style is not None and paragraph.style.name in ("Title", "Heading 1"):
                title = paragraph.text.strip()
            lines.append(paragraph.text.strip())
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
            if cells:
                lines.append(" | ".join(cells))
    return title, "\n\n".join(lines)
