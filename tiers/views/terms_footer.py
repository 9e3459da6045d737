"""Pages of a customer's invoice footer discounts and fees (remises et frais de pied de facture):
the rows with an add form, the change page and the removal confirmation, on the pattern of the
secondary reps and suivi commercial pages (tiers.views.terms). Writes go through
tiers.services.terms_footer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.views.forms import form_add_service_error
from tiers.forms.terms import InvoiceFooterItemForm
from tiers.models import FooterValueType, InvoiceFooterItem
from tiers.selectors_record_terms import footer_items_of
from tiers.services.terms_footer import (
    FOOTER_FIELDS,
    invoice_footer_item_add,
    invoice_footer_item_change,
    invoice_footer_item_remove,
)
from tiers.views.detail import ActionSpec, action_register
from tiers.views.terms import _DeleteView, _RowPage, _RowsPage

PERMISSION = "tiers.change_invoicefooteritem"
LIST_URL_NAME = "tiers:footer_items"


def describe_value(item: InvoiceFooterItem) -> str:
    value = formats.localize(item.value)
    if item.value_type == FooterValueType.PERCENT:
        return f"{value} %"
    return f"{value} {item.get_value_type_display()}"


class FooterItemsView(_RowsPage):
    permission_required = PERMISSION
    template = "footer_items.html"
    form_class = InvoiceFooterItemForm
    url_name = LIST_URL_NAME
    added_message = gettext_lazy("La remise ou les frais de pied de facture sont ajoutés.")

    def rows(self, request):
        return footer_items_of(tenant=request.tenant, third_party=self.third_party)

    def add(self, request, data) -> None:
        invoice_footer_item_add(
            tenant=request.tenant, actor=request.user, third_party=self.third_party, data=data
        )


class FooterItemUpdateView(_RowPage):
    permission_required = PERMISSION
    model = InvoiceFooterItem

    def get(self, request, pk: int, row_pk: int):
        row = self.row(request, row_pk)
        form = InvoiceFooterItemForm(
            tenant=request.tenant, initial={name: getattr(row, name) for name in FOOTER_FIELDS}
        )
        return self.page(request, "footer_item_form.html", form=form)

    def post(self, request, pk: int, row_pk: int):
        row = self.row(request, row_pk)
        form = InvoiceFooterItemForm(request.POST, tenant=request.tenant)
        if form.is_valid():
            try:
                invoice_footer_item_change(
                    tenant=request.tenant, actor=request.user, item=row, data=form.cleaned_data
                )
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("La remise ou les frais de pied de facture sont enregistrés."))
                return redirect(reverse(LIST_URL_NAME, kwargs={"pk": self.third_party.pk}))
        return self.page(request, "footer_item_form.html", form=form)


class FooterItemDeleteView(_DeleteView):
    permission_required = PERMISSION
    model = InvoiceFooterItem
    back_url_name = LIST_URL_NAME
    done_message = gettext_lazy("La remise ou les frais de pied de facture sont retirés.")

    def describe(self, row: InvoiceFooterItem) -> str:
        return _("Retirer « %(label)s » (%(kind)s, %(value)s) du pied de facture ?") % {
            "label": row.label,
            "kind": row.get_kind_display(),
            "value": describe_value(row),
        }

    def remove(self, request, row: InvoiceFooterItem) -> None:
        invoice_footer_item_remove(tenant=request.tenant, actor=request.user, item=row)


action_register(
    ActionSpec("terms", LIST_URL_NAME, PERMISSION, gettext_lazy("Remises et frais de pied de facture"))
)

urlpatterns = [
    path("<int:pk>/pied-de-facture/", FooterItemsView.as_view(), name="footer_items"),
    path("<int:pk>/pied-de-facture/<int:row_pk>/", FooterItemUpdateView.as_view(), name="footer_item_update"),
    path(
        "<int:pk>/pied-de-facture/<int:row_pk>/retirer/",
        FooterItemDeleteView.as_view(),
        name="footer_item_delete",
    ),
]
