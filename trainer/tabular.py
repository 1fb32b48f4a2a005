"""Spreadsheets in and out: .xlsx and .csv (UTF-8, UTF-8 with BOM, GBK) read as rows,
and workbooks written with formula-looking cells escaped so Excel runs nothing."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter


class TableError(ValueError):
    """A file that cannot be read as a table; the message is Chinese and names the file."""


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as the user sees it, cells by header)


def decode_text(data: bytes, filename: str = "") -> str:
    """Text from bytes in UTF-8 (with or without BOM) or GBK/GB18030, as Chinese Excel saves CSV."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise TableError(f"{filename}: 无法识别文件编码（支持 UTF-8 与 GBK），请另存为 UTF-8 后重试") from exc


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _rows_to_table(raw_rows, filename: str, first_row: int = 1) -> Table:
    rows_iter = iter(raw_rows)
    header: list[str] | None = None
    line = first_row - 1
    for raw in rows_iter:
        line += 1
        cells = [_cell_text(v) for v in raw]
        if any(cells):
            header = [c.replace("\n", "").strip() for c in cells]
            break
    if header is None:
        raise TableError(f"{filename}: 文件是空的，没有表头和数据")
    while header and not header[-1]:
        header.pop()
    rows: list[tuple[int, dict[str, str]]] = []
    for raw in rows_iter:
        line += 1
        cells = [_cell_text(v) for v in raw]
        if not any(cells):
            continue
        rows.append((line, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}))
    return Table(header=header, rows=rows)


def read_table(data: bytes, filename: str) -> Table:
    """Rows of an .xlsx or .csv file, keyed by the header row."""
    name = filename.lower()
    if not data:
        raise TableError(f"{filename}: 文件是空的")
    if name.endswith(".xlsx") or name.endswith(".xlsm"):
        return read_xlsx(data, filename)
    if name.endswith(".csv") or name.endswith(".txt"):
        return read_csv(data, filename)
    if name.endswith(".xls"):
        raise TableError(f"{filename}: 不支持旧版 .xls 格式，请在 Excel 中另存为 .xlsx")
    raise TableError(f"{filename}: 不支持的文件类型，请上传 .xlsx 或 .csv")


def read_xlsx(data: bytes, filename: str) -> Table:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TableError(f"{filename}: 不是有效的 Excel（.xlsx）文件，文件可能已损坏或只是改了扩展名")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise TableError(f"{filename}: 无法读取 Excel 文件（{type(exc).__name__}），文件可能已损坏") from exc
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            raise TableError(f"{filename}: 工作簿里没有工作表")
        try:
            return _rows_to_table(ws.iter_rows(values_only=True), filename)
        except TableError:
            raise
        except Exception as exc:
            raise TableError(f"{filename}: 读取工作表出错（{type(exc).__name__}），文件可能已损坏") from exc
    finally:
        wb.close()


def read_csv(data: bytes, filename: str) -> Table:
    text = decode_text(data, filename)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        return _rows_to_table(csv.reader(io.StringIO(text), dialect), filename)
    except csv.Error as exc:
        raise TableError(f"{filename}: CSV 格式错误：{exc}") from exc


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value safe to write into a cell: text that Excel would run as a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    """Undo safe_cell on text read back from our own exports."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def sheet_title(text: str) -> str:
    """A valid sheet name from any text: Excel forbids []:*?/\\ and more than 31 characters."""
    clean = re.sub(r"[\[\]:*?/\\]", "_", str(text or "")).strip("'") or "Sheet"
    return clean[:31]


def build_workbook(sheets: list[tuple[str, list[str], list[list]]], widths: dict[str, int] | None = None) -> bytes:
    """An .xlsx with one sheet per (title, header, rows); every text cell escaped."""
    wb = Workbook()
    wb.remove(wb.active)
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="B22222")
    for title, header, rows in sheets:
        ws = wb.create_sheet(title=sheet_title(title))
        ws.append([safe_cell(h) for h in header])
        for cell in ws[1]:
            cell.font = head_font
            cell.fill = head_fill
            cell.alignment = Alignment(vertical="center")
        for row in rows:
            ws.append([safe_cell(v) for v in row])
        for i, h in enumerate(header, start=1):
            width = (widths or {}).get(h) or max(8, min(60, len(str(h)) * 2 + 4))
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build_csv(header: list[str], rows: list[list]) -> bytes:
    """CSV with a UTF-8 BOM so Excel on Chinese Windows opens it correctly."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([safe_cell(h) for h in header])
    for row in rows:
        w.writerow([safe_cell("" if v is None else v) for v in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")
