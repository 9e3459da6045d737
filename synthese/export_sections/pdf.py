"""Cells of the synthèse's PDF: typed values as French text."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, decimal.Decimal | float | int):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    return str(value)
