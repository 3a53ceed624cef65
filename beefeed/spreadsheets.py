"""Tables for the district office: .xlsx (openpyxl) and .csv that Excel opens correctly.

One home for how a table becomes a file: bold, frozen header row; column widths fitted to
Chinese text; dates and times as real Excel dates (in district time); CSV in UTF-8 with a
BOM, because Excel reads a BOM-less CSV as the local ANSI code page and garbles Chinese.
"""

import csv
import datetime
import io

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, str):
        # Control characters are not allowed in a spreadsheet; text is never a formula.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _csv_text(value):
    """Text that Excel would run as a formula is quoted with a leading apostrophe (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _width(value):
    text = value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime.datetime) else str(value or "")
    # A Chinese character is about two Latin characters wide.
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _fill(sheet, headers, rows):
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [_width(h) for h in headers]
    for row in rows:
        values = [_cell(v) for v in row]
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # user text that looks like a formula stays text
                cell.data_type = "s"
        widths = [max(w, _width(v)) for w, v in zip(widths, values, strict=False)]
    for index, value in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(value + 2, 8), 60)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"


def workbook(sheets):
    """One .xlsx with a sheet per (title, headers, rows)."""
    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in sheets:
        _fill(book.create_sheet(title[:31]), headers, rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx(headers, rows, *, title="Sheet"):
    return workbook([(title, headers, rows)])


def csv_bytes(headers, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(h) for h in headers])
    for row in rows:
        writer.writerow(
            [
                _cell(v).strftime("%Y-%m-%d %H:%M")
                if isinstance(v, datetime.datetime)
                else ("" if v is None else _csv_text(_cell(v)))
                for v in row
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def response(headers, rows, *, fmt, filename, title="Sheet"):
    """An attachment in `fmt` ("xlsx" or "csv") named `filename` (without extension)."""
    rows = list(rows)
    if fmt == "csv":
        body, content_type = csv_bytes(headers, rows), "text/csv; charset=utf-8"
    else:
        fmt, body, content_type = "xlsx", xlsx(headers, rows, title=title), XLSX
    result = HttpResponse(body, content_type=content_type)
    result["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return result
