"""Record section "Ventes" (seed 001): four views chosen by ``vue`` in the query string:

- ``en-cours`` (default): the documents in progress, filtered by type (quote, order, delivery,
  invoice); an order still to deliver has its "Livrer" button;
- ``historique``: every document, newest first, with the status filters (quotes ordered or not,
  orders closed or not, deliveries and invoices validated or not);
- ``lignes``: the lines of the quotes, orders and invoices;
- ``achats``: the purchase history (ventes' selector, filters and table), searched by period,
  document, article and label.

Each view is one django-tables2 table, sortable and paginated: a count and a page whatever the
customer's size. Every document can be printed (ventes' PDF, with the right to ask for a job).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.views.pagination import table_configure
from ventes.filters_billing import PurchaseHistoryFilterSet
from ventes.selectors_customer import (
    DELIVERY,
    INVOICE,
    KINDS,
    ORDER,
    QUOTE,
    customer_document_lines,
    customer_documents,
)
from ventes.selectors_history import purchase_history_rows
from ventes.tables_billing import PurchaseHistoryTable

from .record import RecordSection, record_section_register
from .record_sales_tables import KIND_LABELS, PRINT_PERMISSION, DocumentLineTable, DocumentTable

KEY = "ventes"
IN_PROGRESS, HISTORY, LINES, PURCHASES = "en-cours", "historique", "lignes", "achats"
VIEWS = (
    (IN_PROGRESS, _("Documents en cours")),
    (HISTORY, _("Historique des documents")),
    (LINES, _("Lignes")),
    (PURCHASES, _("Historique des achats")),
)
# Status filter of the history: value → (kind, the kind's row_done).
STATUSES = {
    "devis-commandes": (QUOTE, True, _("Devis commandés")),
    "devis-non-commandes": (QUOTE, False, _("Devis non commandés")),
    "commandes-soldees": (ORDER, True, _("Commandes soldées")),
    "commandes-non-soldees": (ORDER, False, _("Commandes non soldées")),
    "livraisons-validees": (DELIVERY, True, _("Livraisons validées")),
    "livraisons-non-validees": (DELIVERY, False, _("Livraisons non validées")),
    "factures-validees": (INVOICE, True, _("Factures validées")),
    "factures-non-validees": (INVOICE, False, _("Factures non validées")),
}
PER_PAGE = 25


class SalesFilterForm(forms.Form):
    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("Tous")), *[(kind, label) for kind, label in KIND_LABELS.items()]],
    )
    statut = forms.MultipleChoiceField(
        label=_("Statut"),
        required=False,
        choices=[(value, label) for value, (_kind, _done, label) in STATUSES.items()],
        widget=forms.CheckboxSelectMultiple,
    )

    def kinds(self) -> tuple[str, ...]:
        chosen = self.cleaned_data.get("type") if self.is_valid() else ""
        return (chosen,) if chosen else KINDS

    def done(self) -> dict[str, bool | None] | None:
        """{kind: row_done wanted, None for both} of the chosen statuses (None: no status)."""
        values = self.cleaned_data.get("statut") if self.is_valid() else []
        wanted: dict[str, set[bool]] = {}
        for value in values or ():
            kind, done, _label = STATUSES[value]
            wanted.setdefault(kind, set()).add(done)
        if not wanted:
            return None
        return {kind: next(iter(flags)) if len(flags) == 1 else None for kind, flags in wanted.items()}


def _view(request) -> str:
    wanted = request.GET.get("vue", IN_PROGRESS)
    return wanted if wanted in dict(VIEWS) else IN_PROGRESS


def _configure(request, table):
    table_configure(request, table, per_page=PER_PAGE)
    return table


def sales_context(request, customer) -> dict:
    user, tenant = request.user, request.tenant
    view = _view(request)
    context: dict = {"views": VIEWS, "view": view}
    if view == PURCHASES:
        filterset = PurchaseHistoryFilterSet(
            request.GET,
            tenant=tenant,
            user=user,
            queryset=purchase_history_rows(tenant=tenant, user=user, customer=customer),
        )
        context.update(
            filter_form=filterset.form, table=_configure(request, PurchaseHistoryTable(filterset.qs))
        )
        return context
    form = SalesFilterForm(request.GET)
    if view == LINES:
        form.fields.pop("statut")
        rows = customer_document_lines(tenant=tenant, user=user, customer=customer, kinds=form.kinds())
        table = DocumentLineTable(rows, key=KEY)
    else:
        if view == IN_PROGRESS:
            form.fields.pop("statut")
            rows = customer_documents(
                tenant=tenant, user=user, customer=customer, kinds=form.kinds(), in_progress=True
            )
        else:
            rows = customer_documents(
                tenant=tenant, user=user, customer=customer, kinds=form.kinds(), done=form.done()
            )
        table = DocumentTable(
            rows,
            key=KEY,
            can_print=user.has_perm(PRINT_PERMISSION),
            can_deliver=user.has_perm("ventes.add_delivery"),
        )
    context.update(filter_form=form, table=_configure(request, table))
    return context


record_section_register(
    RecordSection(
        key=KEY,
        label=_("Ventes"),
        order=20,
        template="synthese/record/ventes.html",
        context=sales_context,
        permission=("tiers.view_thirdparty", "ventes.view_order"),
    )
)
