"""Files attached to records (application attachments, milestone evidence): what is accepted, and how
they are handed out again.

Attached files are never served from MEDIA_URL in production: a record's file is downloaded through a
view that first asks accounts.permissions whether the user may read the record (serve_attached_file).
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

# Documents a campus team exchanges: papers, office files, pictures, plain text. No HTML, SVG or
# scripts: a file served back from our origin must not be able to run code in a reviewer's browser.
ALLOWED_EXTENSIONS = frozenset(
    {"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "txt", "csv", "png", "jpg", "jpeg"}
)
# The first bytes each kind of file starts with; a file whose content does not match its name is refused.
_MAGIC = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
    "ods": (b"PK\x03\x04",),
    "odp": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "xls": (b"\xd0\xcf\x11\xe0",),
    "ppt": (b"\xd0\xcf\x11\xe0",),
}


def max_attachment_bytes() -> int:
    return int(getattr(settings, "BIOCAMPUS_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def validate_attachment(upload, *, field: str = "file") -> None:
    """Refuse, with a message a user understands, a file that is too big, of a kind we do not take, or
    whose content is not what its name says."""
    name = PurePath(upload.name or "").name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if "\x00" in name:
        raise ValidationError({field: _("The file name contains a NUL byte.")})
    limit = max_attachment_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            {
                field: _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {"size": round(upload.size / 1048576, 1), "limit": round(limit / 1048576, 1)}
            }  # fmt: skip
        )
    if upload.size == 0:
        raise ValidationError({field: _("The file is empty.")})
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            {
                field: _("Files of type “%(ext)s” are not accepted. Accepted: %(allowed)s.")
                % {"ext": extension or "?", "allowed": ", ".join(sorted(ALLOWED_EXTENSIONS))}
            }  # fmt: skip
        )
    head = upload.read(16)
    upload.seek(0)
    signatures = _MAGIC.get(extension)
    if signatures and not head.startswith(signatures):
        raise ValidationError(
            {field: _("The content of “%(name)s” is not a %(ext)s file.") % {"name": name, "ext": extension}}
        )
    if signatures is None and b"\x00" in head:  # txt and csv: text, not a binary renamed
        raise ValidationError({field: _("“%(name)s” is not a text file.") % {"name": name}})


def serve_attached_file(file_field, *, download_name: str = "") -> FileResponse:
    """Hand out a stored file as a download. The caller has already checked that the user may read the
    record the file belongs to."""
    if not file_field:
        raise Http404
    try:
        handle = file_field.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    name = download_name or PurePath(file_field.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    # Never let the browser guess a type and run the file as a page of ours.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
