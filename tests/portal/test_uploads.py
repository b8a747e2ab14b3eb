import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from siae_portal.uploads import MAX_UPLOAD_SIZE, validate_upload


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


ACCEPTED = {
    "pdf": ("livret.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
    "png": ("organigramme.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32),
    "jpeg": ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32),
    "odt": ("projet.odt", _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})),
    "ods": ("budget.ods", _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})),
    "docx": ("projet.docx", _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"})),
    "xlsx": ("plan.xlsx", _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"})),
}


@pytest.mark.parametrize("expected", ACCEPTED)
def test_accepted_documents_are_recognised_by_content(expected):
    name, content = ACCEPTED[expected]
    assert validate_upload(SimpleUploadedFile(name, content)) == expected


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("livret.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),  # a Windows executable renamed
        ("script.pdf", b"#!/bin/sh\nrm -rf /\n"),
        ("archive.docx", _zip({"evil.exe": b"MZ"})),  # a zip that is no office document
        ("broken.xlsx", b"PK\x03\x04 not really a zip"),
        ("page.png", b"<html></html>"),
    ],
)
def test_other_content_is_refused_whatever_its_name(name, content):
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(SimpleUploadedFile(name, content))
    assert "type accepté" in excinfo.value.messages[0]


def test_oversized_file_is_refused():
    content = b"%PDF-1.4\n" + b"0" * (MAX_UPLOAD_SIZE + 300_000)
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(SimpleUploadedFile("gros.pdf", content))
    assert "pèse 10,29\xa0Mo : la limite est de 10\xa0Mo" in excinfo.value.messages[0]


def test_empty_file_is_refused():
    with pytest.raises(ValidationError, match="vide"):
        validate_upload(SimpleUploadedFile("vide.pdf", b""))
