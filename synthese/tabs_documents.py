"""Synthèse tabs Pièces jointes and Signatures (tiers' shared records).

Every document of the customer, whatever it is about (the customer, a site, a deal, a quote, an
order, an invoice and their generated PDFs, a request...), is one indexed query on the stored
customer (``attachment_customer_idx``); business lines do not restrict them.
"""

from __future__ import annotations

import django_tables2 as tables
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tiers.models import Attachment, Signature, SignatureStatus
from tiers.selectors_records import target_label

from .context import SyntheseContext
from .tables import TabTable, badge, render_tab, user_name
from .tabs import Tab, tab_register
from .tabs_filters import owned_rows, targeting

# --- Pièces jointes -------------------------------------------------------------------------------


def attachment_rows(ctx: SyntheseContext) -> QuerySet[Attachment]:
    """Period on the date added, site; contract or asset: the documents about it."""
    rows = owned_rows(Attachment, ctx, lines=False, period="created_at")
    return targeting(ctx, rows).select_related("site", "uploaded_by")


class AttachmentTabTable(TabTable):
    row_name = "document"
    title = tables.Column(verbose_name=_("Titre"))
    target = tables.Column(verbose_name=_("Concerne"), accessor="target_id", orderable=False)
    site = tables.Column(verbose_name=_("Site"), accessor="site__name")
    original_name = tables.Column(verbose_name=_("Fichier"))
    uploaded_by = tables.Column(verbose_name=_("Déposé par"), order_by=("uploaded_by__last_name",))
    created_at = tables.DateTimeColumn(verbose_name=_("Déposé le"), format="d/m/Y H:i")

    class Meta(TabTable.Meta):
        order_by = ("-created_at",)

    def render_title(self, record, value) -> str:
        if record.url:
            return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', record.url, value)
        url = reverse("tiers:attachment_download", kwargs={"pk": record.pk})
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a> '
            '<a href="{}" class="btn btn-small" download title="{}">⇩</a>',
            url,
            value,
            url,
            _("Télécharger"),
        )

    def render_target(self, record) -> str:
        return target_label(record)

    def render_uploaded_by(self, value) -> str:
        return user_name(value)


def render_attachments(request, ctx: SyntheseContext, *, exclude=()) -> str:
    return render_tab(
        request, ctx, key="pieces", table_class=AttachmentTabTable, rows=attachment_rows(ctx), exclude=exclude
    )


# --- Signatures -----------------------------------------------------------------------------------

SIGNATURE_BADGES = {
    SignatureStatus.SENT: "badge-warning",
    SignatureStatus.SIGNED: "badge-success",
    SignatureStatus.REFUSED: "badge-danger",
    SignatureStatus.EXPIRED: "badge-muted",
}


def signature_rows(ctx: SyntheseContext) -> QuerySet[Signature]:
    """Period on the date sent, site."""
    return owned_rows(Signature, ctx, lines=False, period="sent_at").select_related(
        "document", "requested_by"
    )


class SignatureTabTable(TabTable):
    row_name = "signature"
    document = tables.Column(verbose_name=_("Document"), accessor="document__title")
    signer_name = tables.Column(verbose_name=_("Signataire"))
    signer_email = tables.Column(verbose_name=_("E-mail"))
    status = tables.Column(verbose_name=_("Statut"), order_by="status")
    sent_at = tables.DateTimeColumn(verbose_name=_("Envoyée le"), format="d/m/Y H:i")
    expires_at = tables.DateTimeColumn(verbose_name=_("Expire le"), format="d/m/Y H:i")
    answered_at = tables.DateTimeColumn(verbose_name=_("Réponse le"), format="d/m/Y H:i")
    requested_by = tables.Column(verbose_name=_("Demandée par"), order_by=("requested_by__last_name",))

    class Meta(TabTable.Meta):
        order_by = ("-sent_at",)

    def render_status(self, record) -> str:
        return badge(SIGNATURE_BADGES.get(record.status, "badge-muted"), record.get_status_display())

    def render_requested_by(self, value) -> str:
        return user_name(value)


def render_signatures(request, ctx: SyntheseContext, *, exclude=()) -> str:
    return render_tab(
        request,
        ctx,
        key="signatures",
        table_class=SignatureTabTable,
        rows=signature_rows(ctx),
        exclude=exclude,
    )


tab_register(
    Tab(
        "pieces",
        _("Pièces jointes"),
        90,
        "tiers.view_attachment",
        rows=attachment_rows,
        render=render_attachments,
    )
)
tab_register(
    Tab(
        "signatures",
        _("Signatures"),
        100,
        "tiers.view_signature",
        rows=signature_rows,
        render=render_signatures,
    )
)
