"""The export framework: exporters registered by apps at start-up, and the progress they report.

An exporter declares its key, French label, formats and permission, and writes the file of a job.
Tabular exporters only declare their sheets (columns and a lazy iterator of rows from a selector);
the xlsx writer streams them into a write-only workbook. PDF exporters give a print template and
its context; the WeasyPrint renderer does the rest. Core never imports the apps: each app
registers its exporters in ``AppConfig.ready`` with ``exporter_registry.register``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from crm.models import ExportJob

XLSX = "xlsx"
PDF = "pdf"

EXPORT_PERMISSION = "crm.export_data"


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its French header, and optionally a width and an Excel number format."""

    header: str | Promise
    width: int | None = None
    number_format: str | None = None


@dataclass
class Sheet:
    """One worksheet: ``rows`` is a lazy iterable (a generator over ``queryset.iterator()``) and
    ``count`` the number of rows it will yield, used for the progress bar."""

    title: str | Promise
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    count: int
    # Printed in landscape (wide sheets).
    landscape: bool = False


class Progress:
    """Reports a job's progress (0-100) on its row, only when the percentage changes.

    Writes go straight to the row (outside any transaction in a worker), so the page that polls
    the job sees them. 100 is written by the service together with the final status.
    """

    def __init__(self, save: Callable[[int], None]) -> None:
        self._save = save
        self.total = 0
        self.done = 0
        self.percent = 0

    def add_total(self, count: int) -> None:
        self.total += count

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.total <= 0:
            return
        percent = min(99, self.done * 100 // self.total)
        if percent > self.percent:
            self.percent = percent
            self._save(percent)


class Exporter:
    """Base of every exporter. Subclasses set the class attributes and override ``sheets`` (xlsx)
    or ``pdf_template``/``pdf_context`` (pdf), or ``write`` for anything else."""

    key: ClassVar[str]
    label: ClassVar[str | Promise]
    formats: ClassVar[tuple[str, ...]] = (XLSX,)
    permission: ClassVar[str] = EXPORT_PERMISSION
    # Sections the user may choose ({key: French label}); empty when the export has none.
    sections: ClassVar[dict[str, str | Promise]] = {}
    # Offered as a button on the "Mes exports" page (exports that need no screen context).
    on_export_page: ClassVar[bool] = False
    pdf_template: ClassVar[str | None] = None

    def is_allowed(self, user) -> bool:
        return bool(user.has_perm(EXPORT_PERMISSION) and user.has_perm(self.permission))

    def filename(self, job: ExportJob) -> str:
        """The downloaded file's name, e.g. ``utilisateurs-de-la-societe-20250131-1030.xlsx``."""
        stamp = timezone.localtime(job.created_at or timezone.now()).strftime("%Y%m%d-%H%M")
        return f"{slugify(str(self.label))}-{stamp}.{job.format}"

    def write(self, *, job: ExportJob, output: IO[bytes], progress: Progress) -> None:
        """Write the job's file into ``output`` (a binary file opened for writing)."""
        if job.format == XLSX:
            from crm.exports.xlsx import xlsx_write

            xlsx_write(self.sheets(job), output=output, progress=progress)
        elif job.format == PDF:
            from crm.exports.pdf import pdf_render

            if self.pdf_template is None:
                raise NotImplementedError(f"{type(self).__name__} declares no pdf_template")
            output.write(pdf_render(self.pdf_template, self.pdf_context(job, progress)))
        else:
            raise ValueError(f"Unsupported export format {job.format!r}")

    def sheets(self, job: ExportJob) -> list[Sheet]:
        raise NotImplementedError

    def pdf_context(self, job: ExportJob, progress: Progress) -> dict[str, Any]:
        raise NotImplementedError


class ExporterRegistry:
    def __init__(self) -> None:
        self._exporters: dict[str, Exporter] = {}

    def register(self, exporter_class: type[Exporter]) -> type[Exporter]:
        """Register an exporter class (usable as a decorator). Keys are unique across apps."""
        key = exporter_class.key
        existing = self._exporters.get(key)
        if existing is not None and type(existing) is not exporter_class:
            raise ValueError(f"Exporter key {key!r} is already registered by {type(existing).__name__}")
        unknown = set(exporter_class.formats) - {XLSX, PDF}
        if unknown:
            raise ValueError(f"Exporter {key!r} offers unknown formats {sorted(unknown)}")
        self._exporters[key] = exporter_class()
        return exporter_class

    def unregister(self, key: str) -> None:
        """Remove an exporter (tests that register their own)."""
        self._exporters.pop(key, None)

    def get(self, key: str) -> Exporter:
        try:
            return self._exporters[key]
        except KeyError:
            raise ValidationError(_("Cet export n'existe pas."), code="unknown_exporter") from None

    def label(self, key: str) -> str:
        exporter = self._exporters.get(key)
        return str(exporter.label) if exporter is not None else key

    def all(self) -> list[Exporter]:
        return sorted(self._exporters.values(), key=lambda exporter: str(exporter.label))

    def allowed(self, user) -> list[Exporter]:
        return [exporter for exporter in self.all() if exporter.is_allowed(user)]


exporter_registry = ExporterRegistry()
