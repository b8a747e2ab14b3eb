"""Generated demo content: random SIRETs with valid keys, and the small documents of the toolbox
catalogue (a hand-written PDF, an XLSX made with openpyxl)."""

import io
import random
import textwrap

from siae_portal.validators import luhn_is_valid


def make_siret(rng: random.Random) -> str:
    """A random SIRET with a valid Luhn key (SIREN key and SIRET key both valid)."""
    while True:
        siren = f"{rng.randrange(10**8, 10**9 - 1):09d}"
        if not luhn_is_valid(siren):
            continue
        nic = f"{rng.randrange(1, 100):04d}"
        for last in "0123456789":
            if luhn_is_valid(siren + nic + last):
                return siren + nic + last


def _pdf_text(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def demo_pdf(pages: list[tuple[str, list[str]]]) -> bytes:
    """A small valid PDF (A4, Helvetica, WinAnsi so French accents print), one page per (title, lines)."""
    font_id = 3
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>", font_id: b""}
    objects[font_id] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    kids = []
    next_id = 4
    for title, lines in pages:
        stream = b"BT /F1 18 Tf 56 780 Td (" + _pdf_text(title) + b") Tj /F1 11 Tf 15 TL 0 -14 Td"
        for line in lines:
            for wrapped in textwrap.wrap(line, 88) or [""]:
                stream += b" T* (" + _pdf_text(wrapped) + b") Tj"
        stream += b" ET"
        page_id, content_id = next_id, next_id + 1
        next_id += 2
        kids.append(page_id)
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (font_id, content_id)
        )
        objects[content_id] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets[number] for number in range(1, size))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return out


def demo_xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    """A small spreadsheet model: a title, a header row and rows to fill."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Modèle"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.column_dimensions["A"].width = 45
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
