"""Tabular downloads (CSV for spreadsheets as French users open them, and XLSX)."""

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date

from django.http import HttpResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """A CSV download that Excel opens correctly in France: UTF-8 with BOM, `;` separated."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return response


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
