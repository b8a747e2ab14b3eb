"""Checks on uploaded files, shared by dossier attachments and toolbox resources, and the
responses that serve them back.

A file is judged by its content, never by its name: a renamed executable is refused.
- A PDF starts with `%PDF-` at its first byte (as PDF readers require), and its first kilobyte holds
  no HTML markup: a PDF that is also a web page (a polyglot) is refused.
- A zip-based document (DOCX, XLSX, ODT, ODS) is refused, before any of it is decompressed, when
  its entries add up to more than `MAX_UNCOMPRESSED_SIZE`, or to more than `MAX_COMPRESSION_RATIO`
  times the archive's size once past `RATIO_CHECKED_FROM` (a zip bomb), or hold more than
  `MAX_ARCHIVE_ENTRIES` files. The sizes checked are those the archive declares: Python's zipfile,
  which every reader here goes through (openpyxl included), never returns more than an entry
  declares.
- `attachment_response` serves a stored file as a download with a fixed type, never as a page
  the portal's origin could render.
"""

import re
import zipfile

from django.core.exceptions import ValidationError
from django.http import FileResponse

MAX_UPLOAD_SIZE = 10 * 1024 * 1024
MAX_UNCOMPRESSED_SIZE = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # office documents compress 5 to 15 times
RATIO_CHECKED_FROM = 1024 * 1024
MAX_ARCHIVE_ENTRIES = 10_000

# The response type of each accepted file type (the extension a download gets is the type's).
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {"jpeg": ("jpg", "jpeg")}

# The tags a browser sniffs as HTML (WHATWG MIME Sniffing, "text/html" patterns), followed by a
# space or ">", anywhere in the first kilobyte.
HTML_MARKERS = re.compile(
    rb"<(?:!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p)[\s>]|<!--",
    re.IGNORECASE,
)
SNIFFED_HEAD = 1024

ACCEPTED_LABEL = "PDF, ODT, ODS, DOCX, XLSX, PNG ou JPEG"

# OpenDocument files start with a stored "mimetype" entry that names their type.
OPENDOCUMENT_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}


def megabytes(size: int) -> str:
    """A size in bytes as French users read it: "10,5 Mo"."""
    return f"{size / (1024 * 1024):.2f}".rstrip("0").rstrip(".").replace(".", ",") + "\u00a0Mo"


def detect_file_type(head: bytes, fileobj) -> str | None:
    """The accepted type of a file ("pdf", "png", "jpeg", "odt", "ods", "docx", "xlsx"), from its
    content, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _detect_zip_document(fileobj)
    return None


def _detect_zip_document(fileobj) -> str | None:
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                if archive.getinfo("mimetype").file_size > 100:
                    return None  # a type name, never a document
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return OPENDOCUMENT_TYPES.get(mimetype)
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, EOFError, NotImplementedError):
        return None
    finally:
        fileobj.seek(0)
    return None


def archive_problem(fileobj, *, size: int, max_uncompressed: int = MAX_UNCOMPRESSED_SIZE) -> str | None:
    """Why the zip archive `fileobj` (of `size` bytes) must not be decompressed, as a French clause
    ("il se décompresse en 1 000 Mo ..."), or None. Reads only the archive's directory."""
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return None  # not a readable archive: the type check refuses it
    finally:
        fileobj.seek(0)
    if len(entries) > MAX_ARCHIVE_ENTRIES:
        return f"il contient {len(entries)} fichiers compressés, au-delà de la limite de {MAX_ARCHIVE_ENTRIES}"
    total = sum(entry.file_size for entry in entries)
    if total > max_uncompressed:
        return (
            f"il se décompresse en {megabytes(total)}, au-delà de la limite de {megabytes(max_uncompressed)} "
            "(archive piégée ?)"
        )
    if total > RATIO_CHECKED_FROM and total > MAX_COMPRESSION_RATIO * max(size, 1):
        return (
            f"il se décompresse en {megabytes(total)}, plus de {MAX_COMPRESSION_RATIO} fois sa taille "
            "(archive piégée ?)"
        )
    return None


def validate_upload(uploaded_file) -> str:
    """Raise a French ValidationError unless the file is an accepted document of at most 10 MB;
    return its detected type."""
    if uploaded_file.size > MAX_UPLOAD_SIZE:
        raise ValidationError(
            "Le fichier « %(name)s » pèse %(size)s : la limite est de %(limit)s.",
            code="file_too_large",
            params={
                "name": uploaded_file.name,
                "size": megabytes(uploaded_file.size),
                "limit": megabytes(MAX_UPLOAD_SIZE),
            },
        )
    if uploaded_file.size == 0:
        raise ValidationError(
            "Le fichier « %(name)s » est vide.", code="file_empty", params={"name": uploaded_file.name}
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFFED_HEAD)
    uploaded_file.seek(0)
    if head.startswith(b"PK\x03\x04"):
        problem = archive_problem(uploaded_file, size=uploaded_file.size)
        if problem:
            raise ValidationError(
                "Le fichier « %(name)s » est refusé : %(problem)s.",
                code="file_bomb",
                params={"name": uploaded_file.name, "problem": problem},
            )
    file_type = detect_file_type(head, uploaded_file)
    if file_type == "pdf" and HTML_MARKERS.search(head):
        raise ValidationError(
            "Le fichier « %(name)s » commence comme un PDF mais contient du code de page web : il est refusé. "
            "Enregistrez-le de nouveau en PDF depuis votre logiciel.",
            code="file_polyglot",
            params={"name": uploaded_file.name},
        )
    if file_type is None:
        raise ValidationError(
            "Le fichier « %(name)s » n'est pas d'un type accepté (%(accepted)s) : son contenu a été vérifié, "
            "pas seulement son nom.",
            code="file_type",
            params={"name": uploaded_file.name, "accepted": ACCEPTED_LABEL},
        )
    return file_type


class UploadValidator:
    """Model/form field validator wrapping `validate_upload`."""

    def __call__(self, value):
        validate_upload(value)

    def __eq__(self, other):
        return isinstance(other, UploadValidator)

    def deconstruct(self):
        return ("siae_portal.uploads.UploadValidator", (), {})


def download_name(name: str, file_type: str | None) -> str:
    """`name` ending with the extension of its checked type: "page.html" holding a PDF is
    downloaded as "page.html.pdf", so that no saved copy opens as a web page either."""
    if file_type not in CONTENT_TYPES:
        return name
    extensions = EXTENSIONS.get(file_type, (file_type,))
    if name.lower().rsplit(".", 1)[-1] in extensions and "." in name:
        return name
    return f"{name}.{extensions[0]}"


def attachment_response(handle, name: str, file_type: str | None) -> FileResponse:
    """A stored file as a download that no browser renders in the portal's origin: always an
    attachment, typed by its checked content (never guessed from its name), no sniffing, and a
    sandboxing Content-Security-Policy of its own should it still be opened in place."""
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(name, file_type),
        content_type=CONTENT_TYPES.get(file_type, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response
