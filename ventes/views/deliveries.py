"""Deliveries: list with its Excel export, detail, and the delivery of an order (quantities per
line, default what remains; created and validated in one step)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from tiers.models import PartialDelivery
from tiers.views.detail import reverse_or_none
from ventes.filters_billing import DELIVERIES_LIST
from ventes.forms.deliveries import DeliveryForm, quantities_of
from ventes.models import Delivery, Order
from ventes.selectors_billing import (
    delivery_get_visible,
    delivery_lines,
    order_get_visible,
    order_lines_to_deliver,
)
from ventes.services.deliveries import delivery_create
from ventes.tables_billing import DeliveryTable

from .base import ServiceFormView, VentesListView


def delivery_url(delivery: Delivery) -> str:
    return reverse("ventes:delivery_detail", kwargs={"pk": delivery.pk})


def order_url(order_id: int) -> str | None:
    """The order's page when the orders area is installed."""
    return reverse_or_none("ventes:order_detail", order_id)


class DeliveryListView(VentesListView):
    permission_required = "ventes.view_delivery"
    title = gettext_lazy("Livraisons")
    list_key = DELIVERIES_LIST
    export_key = DELIVERIES_LIST
    table_class = DeliveryTable
    nav = "deliveries"


class DeliveryDetailView(TenantPermissionRequiredMixin, View):
    permission_required = "ventes.view_delivery"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        try:
            delivery = delivery_get_visible(tenant=request.tenant, user=request.user, pk=pk)
        except Delivery.DoesNotExist:
            raise Http404 from None
        context = {
            "delivery": delivery,
            "lines": list(delivery_lines(tenant=request.tenant, delivery=delivery)),
            "order_url": order_url(delivery.order_id),
            "nav": "deliveries",
        }
        return render(request, "ventes/deliveries/detail.html", context)


class DeliveryCreateView(ServiceFormView):
    """Deliver order ``pk``: the quantities per line, then validated at once."""

    permission_required = "ventes.add_delivery"
    success_message = gettext_lazy("Livraison validée.")

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        try:
            self.order = order_get_visible(tenant=request.tenant, user=request.user, pk=kwargs["pk"])
        except Order.DoesNotExist:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self) -> str:
        return _("Livrer la commande %(number)s") % {"number": self.order.number}

    def make_form(self, data=None):
        lines = order_lines_to_deliver(tenant=self.request.tenant, order=self.order)
        return DeliveryForm(data, lines=lines, today=timezone.localdate())

    def context(self) -> dict:
        rule = dict(PartialDelivery.choices).get(self.order.partial_delivery, self.order.partial_delivery)
        return {
            "customer": self.order.customer,
            "subject": _("Livraison partielle : %(rule)s") % {"rule": rule},
        }

    def back_url(self) -> str:
        return order_url(self.order.pk) or reverse("ventes:delivery_list")

    def success_url(self, saved) -> str:
        return delivery_url(saved)

    def save(self, form):
        return delivery_create(
            tenant=self.request.tenant,
            actor=self.request.user,
            order=self.order,
            quantities=quantities_of(form),
            delivered_on=form.cleaned_data["delivered_on"],
            validate=True,
        )


urlpatterns = [
    path("livraisons/", DeliveryListView.as_view(), name="delivery_list"),
    path("livraisons/<int:pk>/", DeliveryDetailView.as_view(), name="delivery_detail"),
    path("commandes/<int:pk>/livrer/", DeliveryCreateView.as_view(), name="delivery_create"),
]
