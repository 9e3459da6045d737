"""Print of a customer's account statement (extrait de compte), PDF or Excel, through core's
export framework. The job's parameters carry the payer and the search (period, document); at run
time the owner is re-activated and the payer re-read with the owner's visibility, so a statement
never shows an account the owner may no longer see. Allowed like printing a document: whoever
may view invoices and ask for a job."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from crm.exports.owner import job_owner_activate
from crm.exports.registry import PDF, XLSX, Column, Exporter, Progress, Sheet, exporter_registry
from crm.models import ExportJob
from tiers.selectors import third_party_get_visible

from .documents import JOB_PERMISSION, amount_fr
from .exports import DATE_FORMAT, MONEY_FORMAT
from .selectors_account import Statement, account_statement

KEY = "account_statement"


def statement_parameters(
    *, customer_id: int, date_from: datetime.date, date_to: datetime.date, document: str
) -> dict:
    return {
        "customer_id": customer_id,
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
        "document": document,
    }


@exporter_registry.register
class AccountStatementExporter(Exporter):
    key = KEY
    label = _("Extrait de compte client")
    formats = (PDF, XLSX)
    permission = "ventes.view_invoice"
    pdf_template = "ventes/pdf/account_statement.html"

    columns = (
        Column(_("Date"), width=12, number_format=DATE_FORMAT),
        Column(_("Pièce"), width=12),
        Column(_("Numéro"), width=20),
        Column(_("Échéance"), width=12, number_format=DATE_FORMAT),
        Column(_("Débit"), width=14, number_format=MONEY_FORMAT),
        Column(_("Crédit"), width=14, number_format=MONEY_FORMAT),
        Column(_("Solde"), width=14, number_format=MONEY_FORMAT),
    )

    def is_allowed(self, user) -> bool:
        return bool(user.has_perm(JOB_PERMISSION) and user.has_perm(self.permission))

    def statement(self, job: ExportJob):
        """(customer, statement) as the job's owner may see them now; cached for this run."""
        cached = getattr(job, "_account_statement", None)
        if cached is not None:
            return cached
        owner = job_owner_activate(job)
        parameters = job.parameters or {}
        customer = third_party_get_visible(tenant=job.tenant, user=owner, pk=parameters.get("customer_id"))
        statement = account_statement(
            tenant=job.tenant,
            payer=customer,
            date_from=datetime.date.fromisoformat(parameters["date_from"]),
            date_to=datetime.date.fromisoformat(parameters["date_to"]),
            document=parameters.get("document", ""),
        )
        job._account_statement = (customer, statement)
        return job._account_statement

    def filename(self, job: ExportJob) -> str:
        customer, _statement = self.statement(job)
        stamp = timezone.localtime(job.created_at or timezone.now()).strftime("%Y%m%d-%H%M")
        return f"extrait-de-compte-{slugify(customer.code)}-{stamp}.{job.format}"

    def sheets(self, job: ExportJob) -> list[Sheet]:
        _customer, statement = self.statement(job)
        return [
            Sheet(
                title=_("Extrait de compte"),
                columns=self.columns,
                rows=self._rows(statement),
                count=len(statement.lines) + 1,
            )
        ]

    @staticmethod
    def _rows(statement: Statement):
        yield [statement.date_from, _("Solde d'ouverture"), "", None, None, None, statement.opening]
        for line in statement.lines:
            yield [line.date, line.kind, line.number, line.due_date, line.debit, line.credit, line.balance]

    def pdf_context(self, job: ExportJob, progress: Progress) -> dict[str, Any]:
        customer, statement = self.statement(job)
        return {
            "title": _("Extrait de compte"),
            "tenant": job.tenant,
            "generated_at": timezone.now(),
            "customer": customer,
            "statement": statement,
            "document": (job.parameters or {}).get("document", ""),
            "opening": amount_fr(statement.opening),
            "closing": amount_fr(statement.closing),
            "lines": [
                {
                    "line": line,
                    "debit": amount_fr(line.debit) if line.debit else "",
                    "credit": amount_fr(line.credit) if line.credit else "",
                    "balance": amount_fr(line.balance),
                }
                for line in statement.lines
            ],
        }
