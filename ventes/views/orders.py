"""Orders (commandes): list with its Excel export, detail (lines, VAT summary, exchanges thread),
create from a customer (links, reps and terms pre-filled, the customer's observations shown),
edit; the "Commandes" section of the third party's page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from tiers.models import BillingMode, PartialDelivery
from tiers.views.detail import ActionSpec, Section, action_register, section_register
from tiers.views.records import exchanges_context
from tiers.views.third_parties import ThirdPartyObjectMixin
from ventes.filters_sales import ORDERS_LIST
from ventes.forms.lines import lines_initial
from ventes.forms.orders import OrderForm, OrderLineForm
from ventes.models import Order, OrderState
from ventes.selectors_sales import order_get_visible, order_lines, orders_of_customer
from ventes.services.orders import order_create, order_initial, order_update
from ventes.tables_sales import OrderTable, order_state_badge

from .base import VentesListView
from .quotes import DocumentFormView, vat_summary

DETAIL_PERMISSION = "ventes.view_order"
FORM_TEMPLATE = "ventes/orders/form.html"


def order_url(order: Order) -> str:
    return reverse("ventes:order_detail", kwargs={"pk": order.pk})


class OrderObjectMixin:
    """Loads ``self.order`` (404 when its customer is hidden or another tenant's)."""

    order: Order

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        try:
            self.order = order_get_visible(tenant=request.tenant, user=request.user, pk=kwargs["pk"])
        except Order.DoesNotExist:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)


class OrderListView(VentesListView):
    permission_required = "ventes.view_order"
    title = gettext_lazy("Commandes")
    list_key = ORDERS_LIST
    export_key = ORDERS_LIST
    table_class = OrderTable
    nav = "orders"


def _choice_label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


class OrderDetailView(OrderObjectMixin, TenantPermissionRequiredMixin, View):
    permission_required = DETAIL_PERMISSION
    http_method_names = ["get"]

    def get(self, request, pk: int):
        order = self.order
        lines = list(order_lines(tenant=request.tenant, order=order))
        context = {
            "order": order,
            "customer": order.customer,
            "lines": lines,
            **vat_summary(lines),
            "state_badge": order_state_badge(order),
            "can_change": order.state != OrderState.CLOSED,
            "partial_delivery": _choice_label(PartialDelivery, order.partial_delivery),
            "billing_mode": _choice_label(BillingMode, order.billing_mode),
            "show_exchanges": request.user.has_perm("tiers.view_exchange"),
            "nav": "orders",
        }
        if context["show_exchanges"]:
            context.update(exchanges_context(request, order))
        return render(request, "ventes/orders/detail.html", context)


class _OrderFormView(DocumentFormView):
    template_name = FORM_TEMPLATE
    line_form_class = OrderLineForm
    success_message = gettext_lazy("Commande enregistrée.")
    # Subclasses define ``customer`` (the ordering customer).

    def line_form_kwargs(self) -> dict:
        return {"tenant": self.request.tenant, "customer": self.customer}

    def context(self) -> dict:
        return {**super().context(), "customer": self.customer, "observations": self.customer.observations}

    def success_url(self, saved) -> str:
        return order_url(saved)

    def _form(self, data=None, **kwargs):
        return OrderForm(
            data, tenant=self.request.tenant, user=self.request.user, customer=self.customer, **kwargs
        )


class OrderCreateView(ThirdPartyObjectMixin, _OrderFormView):
    permission_required = "ventes.add_order"

    @property
    def title(self) -> str:
        return _("Nouvelle commande")

    @property
    def customer(self):
        return self.third_party

    def make_form(self, data=None):
        initial = order_initial(tenant=self.request.tenant, user=self.request.user, customer=self.customer)
        return self._form(data, initial=initial)

    def back_url(self) -> str:
        return reverse("tiers:detail", kwargs={"pk": self.customer.pk})

    def save(self, form, lines):
        order = order_create(
            tenant=self.request.tenant,
            actor=self.request.user,
            customer=self.customer,
            lines=lines,
            **form.cleaned_data,
        )
        if order.credit_warning:
            messages.warning(self.request, order.credit_warning)
        return order


class OrderUpdateView(OrderObjectMixin, _OrderFormView):
    permission_required = "ventes.change_order"

    @property
    def title(self) -> str:
        return _("Modifier la commande %(number)s") % {"number": self.order.number}

    @property
    def customer(self):
        return self.order.customer

    def make_form(self, data=None):
        return self._form(data, instance=self.order)

    def lines_initial(self):
        return lines_initial(order_lines(tenant=self.request.tenant, order=self.order), ("service_contract",))

    def back_url(self) -> str:
        return order_url(self.order)

    def save(self, form, lines):
        return order_update(
            tenant=self.request.tenant,
            actor=self.request.user,
            order=self.order,
            lines=lines,
            **form.cleaned_data,
        )


# --- The third party's page -----------------------------------------------------------------------


def _section_load(request, third_party) -> dict:
    rows = orders_of_customer(tenant=request.tenant, customer=third_party)
    return {
        "orders": [(row, order_state_badge(row)) for row in rows],
        "orders_url": f"{reverse('ventes:order_list')}?client={third_party.code}",
    }


section_register(
    Section(
        name="orders",
        template="ventes/orders/_section.html",
        position=150,
        permission=DETAIL_PERMISSION,
        load=_section_load,
    )
)
action_register(
    ActionSpec("orders", "ventes:order_create", "ventes.add_order", gettext_lazy("Nouvelle commande"))
)

urlpatterns = [
    path("commandes/", OrderListView.as_view(), name="order_list"),
    path("commandes/<int:pk>/", OrderDetailView.as_view(), name="order_detail"),
    path("commandes/<int:pk>/modifier/", OrderUpdateView.as_view(), name="order_update"),
    path("clients/<int:pk>/commandes/nouvelle/", OrderCreateView.as_view(), name="order_create"),
]
