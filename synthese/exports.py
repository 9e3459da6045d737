"""Export of a customer's synthèse (issue 9, "Exports of the synthèse"): Excel or PDF, the
sections the user chose among those whose model he may view.

A job's parameters carry the customer and the synthèse's query string (its filters, the tabs'
own filters and sorts); its sections are the selection. At run time the owner is re-activated
(crm.exports.owner.job_owner_activate), the customer re-read with his visibility, the context
rebuilt from the query string, and a section whose model he may no longer view is skipped.
Rows come from the tabs' own querysets (synthese/tabs_*.py), so an export never shows what the
screen hides.

    synthese_export_request(tenant=, user=, customer=, format=, sections=, query=) -> ExportJob
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.exports.owner import job_owner_activate
from crm.exports.registry import PDF, XLSX, Exporter, Progress, Sheet, exporter_registry
from crm.models import Company, ExportJob
from crm.rights import active_membership
from crm.services.exports import export_request
from tiers.models import ThirdParty

from .context import context_from_query
from .export_sections import customer as customer_sections
from .export_sections import parc as parc_sections
from .export_sections import screens
from .export_sections.common import ExportState
from .preferences import EXPORT_SELECTION, preference_get, preference_set
from .selectors_frame import customer_get

KEY = "synthese"
PDF_TEMPLATE = "synthese/pdf/synthese.html"
PDF_ROW_LIMIT = 500
DEFAULT_PDF_SECTIONS = ("presentation", "interlocuteurs", "sites")


@dataclass(frozen=True)
class Section:
    key: str
    label: Any
    permission: str
    # None: a block of the Présentation sheet (or an option of another section).
    sheets: Callable[[ExportState], list[Sheet]] | None = None
    crm_only: bool = False
    # An option of this section ("Biens hors contrat" of "Situation actuelle").
    option_of: str = ""


SECTIONS: tuple[Section, ...] = (
    Section("presentation", gettext_lazy("Présentation"), "tiers.view_thirdparty"),
    Section(customer_sections.CHARACTERISTICS, gettext_lazy("Caractéristiques"), "tiers.view_thirdparty"),
    Section(customer_sections.CLASSIFICATIONS, gettext_lazy("Classifications"), "tiers.view_thirdparty"),
    Section("interlocuteurs", gettext_lazy("Interlocuteurs"), "tiers.view_contact", screens.contacts),
    Section("sites", gettext_lazy("Sites"), "tiers.view_site", customer_sections.sites),
    Section("relations", gettext_lazy("Relations"), "tiers.view_relation", customer_sections.relations),
    Section("affaires", gettext_lazy("Affaires"), "ventes.view_deal", screens.deals),
    Section("actions", gettext_lazy("Actions"), "ventes.view_action", screens.actions, crm_only=True),
    Section("devis", gettext_lazy("Devis commerciaux"), "ventes.view_quote", screens.quotes),
    Section(
        "devis_techniques", gettext_lazy("Devis techniques"), "ventes.view_quote", screens.technical_quotes
    ),
    Section("ssc", gettext_lazy("Solutions de service"), "parc.view_servicecontract", screens.contracts),
    Section(
        "regles", gettext_lazy("Règles de facturation"), "parc.view_billingrule", parc_sections.billing_rules
    ),
    Section("parc", gettext_lazy("Parc"), "parc.view_asset", screens.parc),
    Section(
        "financements",
        gettext_lazy("Financements et grandeurs"),
        "parc.view_financing",
        parc_sections.financings_and_meters,
    ),
    Section(
        "situation", gettext_lazy("Situation actuelle"), "parc.view_billingrule", parc_sections.situation
    ),
    Section(
        parc_sections.OUT_OF_CONTRACT,
        gettext_lazy("Biens hors contrat"),
        "parc.view_billingrule",
        option_of="situation",
    ),
    Section("dit", gettext_lazy("Demandes d'intervention"), "parc.view_servicerequest", screens.requests),
    Section(
        "interventions", gettext_lazy("Interventions"), "parc.view_intervention", parc_sections.interventions
    ),
    Section("commandes", gettext_lazy("Commandes"), "ventes.view_order", screens.orders),
    Section("signatures", gettext_lazy("Signatures"), "tiers.view_signature", screens.signatures),
)
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}


def section_allowed(section: Section, user) -> bool:
    """The section's model may be viewed (and its tab seen: CRM licence for CRM-only ones)."""
    if not user.has_perm(section.permission):
        return False
    if section.crm_only:
        membership = active_membership(user)
        return bool(membership and membership.has_crm_licence)
    return True


def sections_allowed(user) -> list[Section]:
    return [section for section in SECTIONS if section_allowed(section, user)]


def message_section_refused(section: Section) -> str:
    return _("Vous n'avez pas le droit d'exporter la section « %(section)s ».") % {"section": section.label}


def message_no_section() -> str:
    return _("Choisissez au moins une section à exporter.")


def selection_saved(*, user, tenant: Company) -> list[str]:
    """The user's last selection (the PDF's default selection the first time)."""
    value = preference_get(user=user, tenant=tenant, key=EXPORT_SELECTION, default=None)
    if not isinstance(value, list):
        return list(DEFAULT_PDF_SECTIONS)
    return [key for key in value if key in SECTIONS_BY_KEY]


def synthese_export_request(
    *, tenant: Company, user, customer: ThirdParty, format: str, sections: Iterable[str], query: str
) -> ExportJob:
    """Check the selection against the user's rights, remember it, and ask core for the job
    (which checks the export permission, the format and the broker). ValidationError with a
    French message for a section the user may not view."""
    chosen = list(dict.fromkeys(sections))
    unknown = [key for key in chosen if key not in SECTIONS_BY_KEY]
    if unknown:
        raise ValidationError(
            _("Section inconnue pour cet export : %(sections)s.") % {"sections": ", ".join(unknown)},
            code="invalid_section",
        )
    for key in chosen:
        section = SECTIONS_BY_KEY[key]
        if not section_allowed(section, user):
            raise ValidationError(message_section_refused(section), code="section_refused")
    if not chosen:
        raise ValidationError(message_no_section(), code="no_section")
    job = export_request(
        tenant=tenant,
        user=user,
        exporter_key=KEY,
        format=format,
        sections=chosen,
        parameters={"customer": customer.pk, "query": query},
    )
    preference_set(user=user, tenant=tenant, key=EXPORT_SELECTION, value=chosen)
    return job


def _state(job: ExportJob) -> ExportState:
    """The job's state as its owner sees it now: PermissionDenied or DoesNotExist otherwise."""
    owner = job_owner_activate(job)
    parameters = job.parameters or {}
    customer = customer_get(tenant=job.tenant, user=owner, pk=int(parameters.get("customer") or 0))
    query = QueryDict(parameters.get("query", ""))
    ctx = context_from_query(query, tenant=job.tenant, user=owner, customer=customer)
    allowed = {section.key for section in sections_allowed(owner)}
    selection = frozenset(key for key in (job.sections or []) if key in allowed)
    return ExportState(ctx=ctx, query=query, selection=selection)


def export_sheets(state: ExportState) -> list[Sheet]:
    """Présentation first, then the sheets of each selected section in the sections' order."""
    sheets = [customer_sections.presentation(state)]
    for section in SECTIONS:
        if section.key in state.selection and section.sheets is not None:
            sheets.extend(section.sheets(state))
    for sheet in sheets:
        sheet.landscape = True
    return sheets


@exporter_registry.register
class SyntheseExporter(Exporter):
    key = KEY
    label = gettext_lazy("Synthèse client")
    formats = (XLSX, PDF)
    sections = {section.key: section.label for section in SECTIONS}
    pdf_template = PDF_TEMPLATE

    def filename(self, job: ExportJob) -> str:
        stamp = timezone.localtime(job.created_at or timezone.now()).strftime("%Y%m%d-%H%M")
        customer = (job.parameters or {}).get("customer", "")
        return f"{slugify(str(self.label))}-{customer}-{stamp}.{job.format}"

    def sheets(self, job: ExportJob) -> list[Sheet]:
        return export_sheets(_state(job))

    def pdf_context(self, job: ExportJob, progress: Progress) -> dict[str, Any]:
        state = _state(job)
        sheets = export_sheets(state)
        for sheet in sheets:
            progress.add_total(min(sheet.count, PDF_ROW_LIMIT))
        return {
            "customer": state.ctx.customer,
            "ctx": state.ctx,
            "generated_at": timezone.localtime(),
            "owner": job.owner,
            "limit": PDF_ROW_LIMIT,
            "sections": [pdf_section(sheet, progress) for sheet in sheets],
        }


def pdf_section(sheet: Sheet, progress: Progress) -> dict[str, Any]:
    """A sheet as a PDF section: its first PDF_ROW_LIMIT rows as text."""
    from .export_sections.pdf import cell_text

    iterator = iter(sheet.rows)
    rows = [[cell_text(value) for value in row] for row in itertools.islice(iterator, PDF_ROW_LIMIT)]
    close = getattr(iterator, "close", None)
    if close is not None:
        close()  # a generator over a server-side cursor: release it now
    progress.advance(len(rows))
    return {
        "title": str(sheet.title),
        "headers": [str(column.header) for column in sheet.columns],
        "rows": rows,
        "total": sheet.count,
        "truncated": sheet.count > PDF_ROW_LIMIT,
    }
