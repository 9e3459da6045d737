"""Invoices and credit notes: list with its Excel export, detail, the billing run, a draft's
date, validation, deletion of a draft, the credit note of a validated invoice, and the
"Factures" section of the third party's page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from tiers.selectors import customers_visible
from tiers.views.detail import Section, section_register
from ventes.filters_billing import INVOICES_LIST
from ventes.forms.deliveries import quantities_of
from ventes.forms.invoices import CreditNoteForm, InvoiceDateForm, InvoiceGenerateForm
from ventes.models import Invoice, InvoiceKind, InvoiceState
from ventes.selectors_billing import (
    invoice_allocations,
    invoice_get_visible,
    invoice_lines,
    invoices_visible,
    recent_invoices_of_customer,
)
from ventes.services.invoices import (
    credit_note_create,
    credited_quantities,
    invoice_draft_delete,
    invoice_label,
    invoice_update,
    invoice_validate,
    invoices_generate,
)
from ventes.tables_billing import InvoiceTable

from .base import ServiceFormView, VentesListView


def invoice_url(invoice: Invoice) -> str:
    return reverse("ventes:invoice_detail", kwargs={"pk": invoice.pk})


def invoice_list_url(customer) -> str:
    return f"{reverse('ventes:invoice_list')}?client={customer.code}&activite=toutes"


class InvoiceObjectMixin(TenantPermissionRequiredMixin):
    """Loads ``self.invoice`` (404 when hidden or another tenant's) once the permission is checked."""

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        try:
            self.invoice = invoice_get_visible(tenant=request.tenant, user=request.user, pk=kwargs["pk"])
        except Invoice.DoesNotExist:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)


class InvoiceListView(VentesListView):
    permission_required = "ventes.view_invoice"
    title = gettext_lazy("Factures et avoirs")
    list_key = INVOICES_LIST
    export_key = INVOICES_LIST
    table_class = InvoiceTable
    nav = "invoices"
    create_url = reverse_lazy("ventes:invoice_generate")
    create_label = gettext_lazy("Facturer les livraisons")
    create_permission = "ventes.add_invoice"
    # parc's list template shows the create button (crm/list.html has none).
    template_name = "parc/list.html"


class InvoiceDetailView(InvoiceObjectMixin, View):
    permission_required = "ventes.view_invoice"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        invoice = self.invoice
        is_invoice = invoice.kind == InvoiceKind.INVOICE
        context = {
            "invoice": invoice,
            "label": invoice_label(invoice),
            "is_draft": invoice.state == InvoiceState.DRAFT,
            "is_invoice": is_invoice,
            "lines": list(invoice_lines(tenant=request.tenant, invoice=invoice)),
            "allocations": list(invoice_allocations(tenant=request.tenant, invoice=invoice))
            if is_invoice
            else [],
            "credit_notes": list(
                invoices_visible(tenant=request.tenant, user=request.user)
                .filter(credited_invoice=invoice)
                .order_by("invoice_date", "pk")
            )
            if is_invoice
            else [],
            "nav": "invoices",
        }
        return render(request, "ventes/invoices/detail.html", context)


class InvoiceGenerateView(ServiceFormView):
    permission_required = "ventes.add_invoice"
    title = gettext_lazy("Facturer les livraisons")

    def make_form(self, data=None):
        customers = customers_visible(tenant=self.request.tenant, user=self.request.user)
        return InvoiceGenerateForm(data, customers=customers, today=timezone.localdate())

    def back_url(self) -> str:
        return reverse("ventes:invoice_list")

    def success_url(self, saved) -> str:
        return reverse("ventes:invoice_list") + "?etat=draft&activite=toutes"

    def save(self, form):
        invoices = invoices_generate(
            tenant=self.request.tenant,
            actor=self.request.user,
            customer=form.cleaned_data["client"],
            up_to=form.cleaned_data["up_to"],
        )
        messages.success(
            self.request, _("%(count)s facture(s) brouillon créée(s).") % {"count": len(invoices)}
        )
        return invoices


class _InvoiceFormView(InvoiceObjectMixin, ServiceFormView):
    """A form on an invoice, back to the invoice's page; saved, to the saved document's."""

    def context(self) -> dict:
        return {"customer": self.invoice.customer}

    def back_url(self) -> str:
        return invoice_url(self.invoice)

    def success_url(self, saved) -> str:
        return invoice_url(saved)


class InvoiceUpdateView(_InvoiceFormView):
    permission_required = "ventes.change_invoice"
    success_message = gettext_lazy("Facture enregistrée.")

    @property
    def title(self) -> str:
        return _("Modifier la facture %(number)s") % {"number": invoice_label(self.invoice)}

    def make_form(self, data=None):
        return InvoiceDateForm(data, initial={"invoice_date": self.invoice.invoice_date})

    def save(self, form):
        return invoice_update(
            tenant=self.request.tenant,
            actor=self.request.user,
            invoice=self.invoice,
            invoice_date=form.cleaned_data["invoice_date"],
        )


class _InvoiceActionView(InvoiceObjectMixin, View):
    """A POST button of the invoice's page: the service's refusal is shown as a message."""

    http_method_names = ["post"]
    done = ""

    def act(self, request):
        raise NotImplementedError

    def post(self, request, pk: int):
        try:
            target = self.act(request)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(invoice_url(self.invoice))
        messages.success(request, self.done)
        return redirect(target)


class InvoiceValidateView(_InvoiceActionView):
    permission_required = "ventes.change_invoice"
    done = gettext_lazy("Document validé.")

    def act(self, request):
        return invoice_url(invoice_validate(tenant=request.tenant, actor=request.user, invoice=self.invoice))


class InvoiceDeleteView(_InvoiceActionView):
    permission_required = "ventes.delete_invoice"
    done = gettext_lazy("Brouillon supprimé.")

    def act(self, request):
        invoice_draft_delete(tenant=request.tenant, actor=request.user, invoice=self.invoice)
        return reverse("ventes:invoice_list")


class CreditNoteCreateView(_InvoiceFormView):
    permission_required = "ventes.add_invoice"
    success_message = gettext_lazy("Avoir créé (brouillon).")

    @property
    def title(self) -> str:
        return _("Avoir sur la facture %(number)s") % {"number": invoice_label(self.invoice)}

    def make_form(self, data=None):
        lines = list(invoice_lines(tenant=self.request.tenant, invoice=self.invoice))
        credited = credited_quantities(tenant=self.request.tenant, invoice=self.invoice)
        remaining = {line.pk: line.quantity - credited.get(line.position, 0) for line in lines}
        return CreditNoteForm(data, lines=lines, remaining=remaining, today=timezone.localdate())

    def save(self, form):
        return credit_note_create(
            tenant=self.request.tenant,
            actor=self.request.user,
            invoice=self.invoice,
            credit_date=form.cleaned_data["credit_date"],
            quantities=quantities_of(form),
        )


# --- The third party's page -----------------------------------------------------------------------


def _section_load(request, third_party) -> dict:
    return {
        "recent_invoices": recent_invoices_of_customer(
            tenant=request.tenant, user=request.user, customer=third_party
        ),
        "invoices_url": invoice_list_url(third_party),
        "history_url": reverse("ventes:purchase_history", kwargs={"pk": third_party.pk}),
    }


section_register(
    Section(
        name="invoices",
        template="ventes/invoices/_section.html",
        position=160,
        permission="ventes.view_invoice",
        load=_section_load,
    )
)

urlpatterns = [
    path("factures/", InvoiceListView.as_view(), name="invoice_list"),
    path("factures/facturer/", InvoiceGenerateView.as_view(), name="invoice_generate"),
    path("factures/<int:pk>/", InvoiceDetailView.as_view(), name="invoice_detail"),
    path("factures/<int:pk>/modifier/", InvoiceUpdateView.as_view(), name="invoice_update"),
    path("factures/<int:pk>/valider/", InvoiceValidateView.as_view(), name="invoice_validate"),
    path("factures/<int:pk>/supprimer/", InvoiceDeleteView.as_view(), name="invoice_delete"),
    path("factures/<int:pk>/avoir/", CreditNoteCreateView.as_view(), name="credit_note_create"),
]
