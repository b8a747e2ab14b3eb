"""Checks on uploaded files, shared by dossier attachments and toolbox resources.

A file is judged by its content, never by its name: a renamed executable is refused.
"""

import zipfile

from django.core.exceptions import ValidationError

MAX_UPLOAD_SIZE = 10 * 1024 * 1024

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
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return OPENDOCUMENT_TYPES.get(mimetype)
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    finally:
        fileobj.seek(0)
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
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    file_type = detect_file_type(head, uploaded_file)
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
