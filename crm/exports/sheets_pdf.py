"""Print a tabular exporter's sheets: the same columns and rows as its Excel file, as a PDF table
(lists that are "printable and exportable"). A tabular exporter adds ``SheetsPdfMixin`` before
``Exporter`` and PDF to its formats; the rows are capped at ``pdf_row_limit`` (a printed list
longer than that is not read; the Excel file has every row) and the print says so."""

from __future__ import annotations

import itertools
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .registry import Progress, Sheet

PDF_ROW_LIMIT = 2000


def printed(value: Any) -> str:
    """A cell's value as French text (dates dd/mm/yyyy, numbers with a decimal comma)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return str(formats.localize(value, use_l10n=True))


class SheetsPdfMixin:
    pdf_template = "crm/exports/pdf/sheets.html"
    pdf_row_limit = PDF_ROW_LIMIT

    def pdf_context(self, job, progress: Progress) -> dict[str, Any]:
        sheets: list[Sheet] = self.sheets(job)
        for sheet in sheets:
            progress.add_total(min(sheet.count, self.pdf_row_limit))
        tables = []
        for sheet in sheets:
            rows = []
            for row in itertools.islice(iter(sheet.rows), self.pdf_row_limit):
                rows.append([printed(value) for value in row])
                progress.advance()
            tables.append(
                {
                    "title": sheet.title,
                    "headers": [column.header for column in sheet.columns],
                    "rows": rows,
                    "truncated": sheet.count > self.pdf_row_limit,
                    "count": sheet.count,
                }
            )
        return {
            "title": self.label,
            "tenant": job.tenant,
            "generated_at": timezone.now(),
            "tables": tables,
            "limit": self.pdf_row_limit,
        }
