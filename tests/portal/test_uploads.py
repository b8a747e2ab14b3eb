import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from siae_portal.uploads import (
    MAX_ARCHIVE_ENTRIES,
    MAX_COMPRESSION_RATIO,
    MAX_UPLOAD_SIZE,
    download_name,
    validate_upload,
)
from tests.zip_bomb import zip_bomb


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


# --- Zip bombs and polyglots --------------------------------------------------------------------


def _refusal(name, content) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(SimpleUploadedFile(name, content))
    return excinfo.value.messages[0]


@pytest.fixture
def no_decompression(monkeypatch):
    """Fails the test if any entry of an archive is read: a bomb is refused from its directory."""

    def refuse(*args, **kwargs):
        raise AssertionError("an archive entry was decompressed")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)


def test_a_zip_bomb_over_the_size_limit_is_refused_before_decompression(no_decompression):
    bomb = zip_bomb(200, "docx")  # 200 Mo of zeros in about 200 Ko
    assert len(bomb) < 300_000
    message = _refusal("projet.docx", bomb)
    assert message == (
        "Le fichier « projet.docx » est refusé : il se décompresse en 200\xa0Mo, au-delà de la limite de "
        "100\xa0Mo (archive piégée ?)."
    )


def test_a_small_zip_bomb_is_refused_by_its_compression_ratio(no_decompression):
    bomb = zip_bomb(20, "xlsx")
    assert (20 * 1024 * 1024) / len(bomb) > MAX_COMPRESSION_RATIO
    assert "plus de 100 fois sa taille (archive piégée ?)" in _refusal("plan.xlsx", bomb)


def test_the_bomb_is_real():
    """What the refused archives would have done: 20 Mo out of a few kilobytes, CRC checked."""
    archive = zipfile.ZipFile(io.BytesIO(zip_bomb(20, "xlsx")))
    assert archive.testzip() is None
    assert len(archive.read("xl/worksheets/sheet1.xml")) == 20 * 1024 * 1024


def test_an_archive_of_too_many_files_is_refused():
    entries = {"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}
    entries.update({f"word/media/{n}.xml": b"" for n in range(MAX_ARCHIVE_ENTRIES)})
    assert "10002 fichiers compressés" in _refusal("projet.docx", _zip(entries))


def test_a_large_ordinary_document_is_accepted():
    """A real document compresses 5 to 15 times: 3 Mo of varied text is far from the limits."""
    words = [f"mot{n} parcours accompagnement {n * 7919 % 10007}" for n in range(100_000)]
    content = _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": " ".join(words).encode()})
    assert validate_upload(SimpleUploadedFile("projet.docx", content)) == "docx"


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n<!-- -->\n<SCRIPT>fetch('/')</SCRIPT>",
        b"%PDF-1.4\n" + b" " * 900 + b"<iframe src=x>",
    ],
)
def test_a_pdf_that_is_also_a_web_page_is_refused(content):
    assert "commence comme un PDF mais contient du code de page web" in _refusal("rapport.pdf", content)


@pytest.mark.parametrize("content", [b"\n%PDF-1.4\n1 0 obj", b"<html>%PDF-1.4", b"  %PDF-1.4"])
def test_a_pdf_signature_elsewhere_than_the_first_byte_is_refused(content):
    assert "type accepté" in _refusal("rapport.pdf", content)


def test_a_real_pdf_with_dictionaries_and_hex_strings_is_accepted():
    from demo.generators import demo_pdf

    assert validate_upload(SimpleUploadedFile("livret.pdf", demo_pdf([("Livret", ["Accueil"])]))) == "pdf"


@pytest.mark.parametrize(
    ("name", "file_type", "expected"),
    [
        ("organigramme.png", "png", "organigramme.png"),
        ("photo.JPG", "jpeg", "photo.JPG"),
        ("page.html", "pdf", "page.html.pdf"),
        ("sans-extension", "docx", "sans-extension.docx"),
        ("inconnu.bin", None, "inconnu.bin"),
    ],
)
def test_a_download_name_ends_with_the_extension_of_its_content(name, file_type, expected):
    assert download_name(name, file_type) == expected
