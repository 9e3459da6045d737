"""The xlsx writer's style cache (crm/exports/xlsx.py): every cell keeps its column's number
format, dates their date format, over several rows and sheets of one workbook."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from crm.exports.registry import Column, Progress, Sheet
from crm.exports.xlsx import xlsx_write


def test_number_and_date_formats_hold_on_every_row_and_sheet():
    from openpyxl import load_workbook

    columns = [
        Column("Montant", number_format="#,##0.00"),
        Column("Coût", number_format="0.00000"),
        Column("Le"),
    ]
    rows = [[Decimal("1.5") * n, Decimal("0.0045"), datetime.date(2025, 1, n)] for n in range(1, 4)]
    sheets = [Sheet(title=title, columns=columns, rows=rows, count=len(rows)) for title in ("Un", "Deux")]
    output = io.BytesIO()

    xlsx_write(sheets, output=output, progress=Progress(lambda percent: None))

    workbook = load_workbook(io.BytesIO(output.getvalue()))
    for title in ("Un", "Deux"):
        cells = list(workbook[title].iter_rows(min_row=2))
        assert [[cell.number_format for cell in row] for row in cells] == [
            ["#,##0.00", "0.00000", "dd/mm/yyyy"]
        ] * 3
        assert [row[0].value for row in cells] == [1.5, 3.0, 4.5]
        assert cells[2][2].value == datetime.datetime(2025, 1, 3)
