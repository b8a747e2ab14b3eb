"""Tabular downloads (CSV for spreadsheets as French users open them, and XLSX).

No cell of a download is ever a live formula (CSV or formula injection): a text typed by a user
(an exit reference, a structure name) that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return would run as a formula when an advisor opens the file in a spreadsheet. XLSX cells are
written as text; CSV cells get a leading apostrophe (`'=1+2`), the spreadsheets' own mark of a text
cell, which they do not display. The escape is reversible: a cell already starting with
apostrophes before such a character gets one more, and the exit import removes exactly one
(`ESCAPED_CSV_CELL`), so that an exported exit file re-imports unchanged. Numbers (`-3`,
`-12,5 %`) and dates are left as they are: a spreadsheet reads them as numbers, never formulas.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date

from django.http import HttpResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A cell that a spreadsheet would evaluate (after the apostrophes that this module adds).
FORMULA_START = r"'*[=+\-@\t\r]"
# The apostrophe this module added in front of such a cell, as a regular expression for the import.
ESCAPED_CSV_CELL = r"^'(?=" + FORMULA_START + ")"
_FORMULA_START = re.compile(FORMULA_START)
# "-3", "+12,5", "-1 250,00", "-4,2 %": read as numbers, not formulas.
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d \u00a0\u202f]*(?:[.,]\d+)?(?:[ \u00a0\u202f]?%)?")


def csv_safe(value):
    """`value` as a CSV cell that no spreadsheet evaluates: `"=1+2"` -> `"'=1+2"`. Anything but
    text, and text that reads as a plain number, is returned unchanged."""
    if isinstance(value, str) and _FORMULA_START.match(value) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_safe_rows(rows: Iterable[Sequence]) -> Iterable[list]:
    """The rows with every cell through `csv_safe`, for any CSV the portal writes."""
    return ([csv_safe(cell) for cell in row] for row in rows)


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """A CSV download that Excel opens correctly in France: UTF-8 with BOM, `;` separated, no
    cell a formula (`csv_safe`)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerows(csv_safe_rows([header]))
    writer.writerows(csv_safe_rows(rows))
    return response


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """The same CSV as `csv_response` (UTF-8 with BOM, `;`, no formula), as bytes: for a file
    inside an archive."""
    text = io.StringIO()
    text.write("\ufeff")
    writer = csv.writer(text, delimiter=";")
    writer.writerows(csv_safe_rows([header]))
    writer.writerows(csv_safe_rows(rows))
    return text.getvalue().encode("utf-8")


def xlsx_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence], title: str = "Export"
) -> HttpResponse:
    """An Excel download: numbers and dates stay real cells (dates shown JJ/MM/AAAA)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if cell.data_type == "f":
                # Exports hold values, never formulas: "=..." typed by a user stays text.
                cell.data_type = "s"
            elif isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_response(
    request,
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    title: str,
    csv_cell: Callable | None = None,
    xlsx_cell: Callable | None = None,
) -> HttpResponse | None:
    """`?format=csv` or `?format=xlsx` downloads the table as `filename` plus the extension; None for
    any other format, so that the page renders. `csv_cell` / `xlsx_cell` convert each cell for
    their format; `rows` is read only when a download is asked for."""
    fmt = request.GET.get("format")
    if fmt not in ("csv", "xlsx"):
        return None
    convert = csv_cell if fmt == "csv" else xlsx_cell
    if convert is not None:
        rows = ([convert(cell) for cell in row] for row in rows)
    if fmt == "csv":
        return csv_response(f"{filename}.csv", header, rows)
    return xlsx_response(f"{filename}.xlsx", header, rows, title=title)
