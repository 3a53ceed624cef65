"""Tables for the district office: .xlsx (openpyxl) and .csv that Excel opens correctly.

One home for how a table becomes a file: bold, frozen header row; column widths fitted to
Chinese text; dates and times as real Excel dates (in district time); CSV in UTF-8 with a
BOM, because Excel reads a BOM-less CSV as the local ANSI code page and garbles Chinese.

Rows may be any iterable and are read once, as they are written: `streaming_response` sends a
table of any length (100,000 reports) without holding it in memory — the CSV streams as it is
written, the .xlsx is written row by row into a temporary file and then sent from there.
"""

import csv
import datetime
import io
import itertools
import tempfile

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A sheet's column widths are written before its rows, so they are fitted to the first rows only.
WIDTH_SAMPLE = 2000
CSV_ROWS_PER_PIECE = 500
# A larger .xlsx waits on disk rather than in memory between being written and being sent.
SPOOL_BYTES = 8 * 1024 * 1024


def _cell(value, tz):
    if isinstance(value, datetime.datetime):
        return value.astimezone(tz).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, str):
        # Control characters are not allowed in a spreadsheet; text is never a formula.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _csv_text(value):
    """Text that Excel would run as a formula is quoted with a leading apostrophe (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_value(value, tz):
    if isinstance(value, datetime.datetime):
        return _cell(value, tz).strftime("%Y-%m-%d %H:%M")
    return "" if value is None else _csv_text(_cell(value, tz))


def _width(value):
    text = value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime.datetime) else str(value or "")
    # A Chinese character is about two Latin characters wide.
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def csv_pieces(headers, rows):
    """The CSV as pieces of bytes, the BOM and the header first; rows are read as they are written."""
    return _csv_pieces([str(h) for h in headers], iter(rows), timezone.get_current_timezone())


def _csv_pieces(headers, rows, tz):
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow(headers)
    yield out.getvalue().encode("utf-8")
    for batch in iter(lambda: list(itertools.islice(rows, CSV_ROWS_PER_PIECE)), []):
        out.seek(0)
        out.truncate()
        writer.writerows([_csv_value(v, tz) for v in row] for row in batch)
        yield out.getvalue().encode("utf-8")


def csv_bytes(headers, rows):
    return b"".join(csv_pieces(headers, rows))


def _xlsx_value(sheet, value, tz):
    value = _cell(value, tz)
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "yyyy-mm-dd hh:mm" if isinstance(value, datetime.datetime) else "yyyy-mm-dd"
        return cell
    if isinstance(value, str) and value.startswith(("=", "#")):
        # User text that openpyxl would store as a formula (or an error value) stays text.
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
        return cell
    return value


def _fill(sheet, headers, rows, tz):
    """Write one write-only sheet: widths and the frozen header first, as the format requires, then the rows."""
    rows = iter(rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE))
    widths = [_width(h) for h in headers]
    for row in sample:
        widths = [max(w, _width(v)) for w, v in zip(widths, row, strict=False)]
    for index, value in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(value + 2, 8), 60)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in headers:
        cell = WriteOnlyCell(sheet, str(title))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in itertools.chain(sample, rows):
        sheet.append([_xlsx_value(sheet, v, tz) for v in row])


def _write_workbook(out, sheets):
    book = Workbook(write_only=True)
    tz = timezone.get_current_timezone()
    for title, headers, rows in sheets:
        _fill(book.create_sheet(title[:31]), headers, rows, tz)
    book.save(out)


def workbook(sheets):
    """One .xlsx with a sheet per (title, headers, rows), as bytes."""
    out = io.BytesIO()
    _write_workbook(out, sheets)
    return out.getvalue()


def xlsx(headers, rows, *, title="Sheet"):
    return workbook([(title, headers, rows)])


def response(headers, rows, *, fmt, filename, title="Sheet"):
    """An attachment in `fmt` ("xlsx" or "csv") named `filename` (without extension), for a small table."""
    if fmt == "csv":
        body, content_type = csv_bytes(headers, rows), CSV
    else:
        fmt, body, content_type = "xlsx", xlsx(headers, rows, title=title), XLSX
    result = HttpResponse(body, content_type=content_type)
    result["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return result


def workbook_response(sheets, *, filename):
    """An .xlsx attachment with a sheet per (title, headers, rows), for small tables."""
    result = HttpResponse(workbook(sheets), content_type=XLSX)
    result["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return result


def streaming_response(headers, rows, *, fmt, filename, title="Sheet"):
    """Like `response`, for a table of any length: memory stays bounded however many rows there are."""
    if fmt == "csv":
        result = StreamingHttpResponse(csv_pieces(headers, rows), content_type=CSV)
        result["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return result
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    try:
        _write_workbook(out, [(title, headers, rows)])
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX)
