"""Stream sheets into a write-only openpyxl workbook, with real Excel types.

openpyxl is imported inside the functions (start-up stays fast; ruff bans module-level imports).
"""

from __future__ import annotations

import copy
import datetime
import decimal
import functools
import re
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.functional import Promise

from crm.exports.registry import Progress, Sheet

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
DATE_FORMAT = "dd/mm/yyyy"
PROGRESS_EVERY = 200  # rows between two progress reports
_FORBIDDEN_IN_TITLE = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str, taken: set[str]) -> str:
    """A valid, unique worksheet title (31 characters at most, none of ``[]:*?/\\``)."""
    base = _FORBIDDEN_IN_TITLE.sub(" ", title).strip()[:31] or "Feuille"
    candidate, number = base, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(candidate.lower())
    return candidate


def excel_value(value: Any) -> Any:
    """The value as Excel should store it: numbers and dates stay typed; aware datetimes become
    naive local time (Europe/Paris), because Excel has no time zones."""
    if value is None or isinstance(value, bool | int | float | decimal.Decimal | str):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value, timezone.get_default_timezone())
        return value
    if isinstance(value, datetime.date | datetime.time):
        return value
    if isinstance(value, Promise):
        return str(value)
    return str(value)


@functools.cache
def _write_only_cell() -> type:
    from openpyxl.cell import WriteOnlyCell

    return WriteOnlyCell


def _cell(worksheet: WriteOnlyWorksheet, value: Any, number_format: str | None, styles: dict | None = None):
    """The value, or a cell when it needs a number format or must stay text. ``styles`` caches
    the style of each number format for the workbook: setting ``number_format`` looks the
    format up in the workbook each time, which dominates on large sheets."""
    value = excel_value(value)
    if isinstance(value, datetime.datetime):
        number_format = number_format or DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        number_format = number_format or DATE_FORMAT
    is_formula_like = isinstance(value, str) and value.startswith("=")
    if number_format is None and not is_formula_like:
        return value
    cell = _write_only_cell()(worksheet, value)
    if number_format is not None:
        style = styles.get(number_format) if styles is not None else None
        if style is None:
            cell.number_format = number_format
            if styles is not None:
                styles[number_format] = copy.copy(cell._style)
        else:
            cell._style = copy.copy(style)
    if is_formula_like:
        cell.data_type = "s"  # user text is never a formula (no spreadsheet formula injection)
    return cell


def xlsx_write(sheets: Iterable[Sheet], *, output: IO[bytes], progress: Progress) -> None:
    """Write ``sheets`` into ``output`` as an .xlsx workbook, reporting progress every few rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheets = list(sheets)
    for sheet in sheets:
        progress.add_total(sheet.count)

    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    bold = Font(bold=True)
    styles: dict[str, Any] = {}
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet_title(str(sheet.title), taken))
        worksheet.freeze_panes = "A2"
        if sheet.landscape:
            worksheet.page_setup.orientation = "landscape"
        for index, column in enumerate(sheet.columns, start=1):
            if column.width:
                worksheet.column_dimensions[get_column_letter(index)].width = column.width
        header = []
        for column in sheet.columns:
            cell = WriteOnlyCell(worksheet, str(column.header))
            cell.font = bold
            header.append(cell)
        worksheet.append(header)

        formats = [column.number_format for column in sheet.columns]
        pending = 0
        for row in sheet.rows:
            worksheet.append(
                [
                    _cell(worksheet, value, number_format, styles)
                    for value, number_format in zip(row, formats, strict=True)
                ]
            )
            pending += 1
            if pending == PROGRESS_EVERY:
                progress.advance(pending)
                pending = 0
        if pending:
            progress.advance(pending)
    if not sheets:
        workbook.create_sheet("Export")
    workbook.save(output)
