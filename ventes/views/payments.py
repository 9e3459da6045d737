"""Payments: list with its Excel export, detail with its allocations, a payment of a third party
(allocated as chosen, or automatically to the oldest due invoices) and the allocation of what is
left of a payment."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from tiers.views.detail import ActionSpec, action_register
from tiers.views.third_parties import ThirdPartyObjectMixin
from ventes.filters_billing import PAYMENTS_LIST
from ventes.forms.payments import AllocationFields, PaymentForm
from ventes.models import Payment
from ventes.selectors_billing import payment_allocations, payment_get_visible
from ventes.services.payments import open_invoices, payment_allocate, payment_record
from ventes.tables_billing import PaymentTable

from .base import ServiceFormView, VentesListView


def payment_url(payment: Payment) -> str:
    return reverse("ventes:payment_detail", kwargs={"pk": payment.pk})


class PaymentObjectMixin(TenantPermissionRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        try:
            self.payment = payment_get_visible(tenant=request.tenant, user=request.user, pk=kwargs["pk"])
        except Payment.DoesNotExist:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)


class PaymentListView(VentesListView):
    permission_required = "ventes.view_payment"
    title = gettext_lazy("Règlements")
    list_key = PAYMENTS_LIST
    export_key = PAYMENTS_LIST
    table_class = PaymentTable
    nav = "payments"


class PaymentDetailView(PaymentObjectMixin, View):
    permission_required = "ventes.view_payment"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        context = {
            "payment": self.payment,
            "allocations": list(payment_allocations(tenant=request.tenant, payment=self.payment)),
            "nav": "payments",
        }
        return render(request, "ventes/payments/detail.html", context)


class PaymentCreateView(ThirdPartyObjectMixin, ServiceFormView):
    """A payment of third party ``pk`` (the payer)."""

    permission_required = "ventes.add_payment"
    success_message = gettext_lazy("Règlement enregistré.")

    @property
    def title(self) -> str:
        return _("Nouveau règlement")

    def make_form(self, data=None):
        invoices = open_invoices(tenant=self.request.tenant, payer_id=self.third_party.pk)
        return PaymentForm(data, invoices=list(invoices), today=timezone.localdate())

    def context(self) -> dict:
        return {"customer": self.third_party}

    def back_url(self) -> str:
        return reverse("tiers:detail", kwargs={"pk": self.third_party.pk})

    def success_url(self, saved) -> str:
        return payment_url(saved)

    def save(self, form):
        allocations = form.allocations()
        return payment_record(
            tenant=self.request.tenant,
            actor=self.request.user,
            payer=self.third_party,
            received_on=form.cleaned_data["received_on"],
            amount=form.cleaned_data["amount"],
            method=form.cleaned_data["method"],
            reference=form.cleaned_data["reference"],
            allocations=allocations or None,
            allocate=allocations is None,
        )


class PaymentAllocateView(PaymentObjectMixin, ServiceFormView):
    permission_required = "ventes.add_paymentallocation"
    success_message = gettext_lazy("Règlement affecté.")

    @property
    def title(self) -> str:
        return _("Affecter le règlement du %(date)s") % {
            "date": self.payment.received_on.strftime("%d/%m/%Y")
        }

    def make_form(self, data=None):
        invoices = open_invoices(tenant=self.request.tenant, payer_id=self.payment.customer_id)
        return AllocationFields(data, invoices=list(invoices), initial={"automatic": True})

    def context(self) -> dict:
        return {
            "customer": self.payment.customer,
            "subject": _("non affecté : %(amount)s") % {"amount": self.payment.unallocated},
        }

    def back_url(self) -> str:
        return payment_url(self.payment)

    def success_url(self, saved) -> str:
        return payment_url(saved)

    def save(self, form):
        return payment_allocate(
            tenant=self.request.tenant,
            actor=self.request.user,
            payment=self.payment,
            allocations=form.allocations(),
        )


action_register(
    ActionSpec("header", "ventes:payment_create", "ventes.add_payment", gettext_lazy("Règlement"))
)

urlpatterns = [
    path("reglements/", PaymentListView.as_view(), name="payment_list"),
    path("reglements/<int:pk>/", PaymentDetailView.as_view(), name="payment_detail"),
    path("reglements/<int:pk>/affecter/", PaymentAllocateView.as_view(), name="payment_allocate"),
    path("clients/<int:pk>/reglements/nouveau/", PaymentCreateView.as_view(), name="payment_create"),
]
