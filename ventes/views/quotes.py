"""Quotes (devis): list with its Excel export, detail (lines, VAT summary, orders), create from a
customer, edit, accept / refuse / reopen, "Transformer en commande"; the "Devis" section of the
third party's page. ``DocumentFormView`` (a header form plus the lines formset) serves orders too."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from crm.views.forms import form_add_service_error
from tiers.views.detail import ActionSpec, Section, action_register, section_register
from tiers.views.third_parties import ThirdPartyObjectMixin
from ventes.amounts import document_totals, line_amounts_of
from ventes.filters_sales import QUOTES_LIST
from ventes.forms.lines import LineForm, line_formset, lines_initial
from ventes.forms.quotes import QuoteForm
from ventes.models import Quote, QuoteStatus, QuoteType
from ventes.selectors_sales import quote_get_visible, quote_lines, quote_orders, quotes_of_customer
from ventes.services.lines import LINES
from ventes.services.quotes import quote_create, quote_status_set, quote_to_order, quote_update
from ventes.tables_sales import QuoteTable, quote_status_badge

from .base import ServiceFormView, VentesListView, has_crm_licence

DETAIL_PERMISSION = "ventes.view_quote"


def quote_url(quote: Quote) -> str:
    return reverse("ventes:quote_detail", kwargs={"pk": quote.pk})


def vat_summary(lines) -> dict:
    """The document's totals and VAT per rate, recomputed from its lines by ventes.amounts."""
    totals = document_totals(line_amounts_of(line) for line in lines)
    return {"totals": totals, "vat_rows": [(rate, base, vat) for rate, (base, vat) in totals.by_rate.items()]}


class DocumentFormView(ServiceFormView):
    """A sales document's header form plus its lines formset; ``save(form, lines)`` calls the
    service, whose refusals go on the form (a ``lines`` refusal above the lines)."""

    template_name = "ventes/quotes/form.html"
    line_form_class: type[LineForm] = LineForm

    def line_form_kwargs(self) -> dict:
        return {"tenant": self.request.tenant}

    def lines_initial(self) -> list[dict] | None:
        return None

    def formset(self, data=None):
        return line_formset(
            self.line_form_class, data=data, initial=self.lines_initial(), **self.line_form_kwargs()
        )

    def render_form(self, form, formset=None, lines_errors=()):
        self._formset = formset if formset is not None else self.formset()
        self._lines_errors = list(lines_errors)
        return super().render_form(form)

    def context(self) -> dict:
        return {"formset": self._formset, "lines_errors": self._lines_errors}

    def post(self, request, *args, **kwargs):
        form, formset = self.make_form(request.POST), self.formset(request.POST)
        lines_errors: list[str] = []
        if form.is_valid() and formset.is_valid():
            try:
                saved = self.save(form, formset.lines())
            except ValidationError as error:
                if hasattr(error, "error_dict") and LINES in error.error_dict:
                    lines_errors = ValidationError(error.error_dict.pop(LINES)).messages
                form_add_service_error(form, error)
            else:
                if self.success_message:
                    messages.success(request, self.success_message)
                return redirect(self.done_url(saved))
        return self.render_form(form, formset, lines_errors)


class QuoteObjectMixin:
    """Loads ``self.quote`` (404 when its customer is hidden or another tenant's)."""

    quote: Quote

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        try:
            self.quote = quote_get_visible(tenant=request.tenant, user=request.user, pk=kwargs["pk"])
        except Quote.DoesNotExist:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)


class QuoteListView(VentesListView):
    permission_required = "ventes.view_quote"
    title = gettext_lazy("Devis")
    list_key = QUOTES_LIST
    export_key = QUOTES_LIST
    table_class = QuoteTable
    nav = "quotes"


class QuoteDetailView(QuoteObjectMixin, TenantPermissionRequiredMixin, View):
    permission_required = DETAIL_PERMISSION
    http_method_names = ["get"]

    def get(self, request, pk: int):
        quote = self.quote
        lines = list(quote_lines(tenant=request.tenant, quote=quote))
        context = {
            "quote": quote,
            "customer": quote.customer,
            "lines": lines,
            **vat_summary(lines),
            "orders": list(quote_orders(tenant=request.tenant, quote=quote)),
            "status_badge": quote_status_badge(quote),
            "can_change": not quote.is_ordered,
            "can_order": quote.status == QuoteStatus.ACCEPTED and not quote.is_ordered,
            "statuses": [(value, label) for value, label in QuoteStatus.choices if value != quote.status],
            "nav": "quotes",
        }
        return render(request, "ventes/quotes/detail.html", context)


class QuoteCreateView(ThirdPartyObjectMixin, DocumentFormView):
    permission_required = "ventes.add_quote"
    success_message = gettext_lazy("Devis enregistré.")

    @property
    def title(self) -> str:
        return _("Nouveau devis")

    def make_form(self, data=None):
        licence = has_crm_licence(self.request)
        initial = {"quote_type": QuoteType.COMMERCIAL if licence else QuoteType.TECHNICAL}
        return QuoteForm(data, initial=initial, tenant=self.request.tenant, customer=self.third_party)

    def context(self) -> dict:
        return {**super().context(), "customer": self.third_party}

    def back_url(self) -> str:
        return reverse("tiers:detail", kwargs={"pk": self.third_party.pk})

    def success_url(self, saved) -> str:
        return quote_url(saved)

    def save(self, form, lines):
        return quote_create(
            tenant=self.request.tenant,
            actor=self.request.user,
            crm_licence=has_crm_licence(self.request),
            customer=self.third_party,
            lines=lines,
            **form.cleaned_data,
        )


class QuoteUpdateView(QuoteObjectMixin, DocumentFormView):
    permission_required = "ventes.change_quote"
    success_message = gettext_lazy("Devis enregistré.")

    @property
    def title(self) -> str:
        return _("Modifier le devis %(number)s") % {"number": self.quote.number}

    def make_form(self, data=None):
        return QuoteForm(data, instance=self.quote, tenant=self.request.tenant, customer=self.quote.customer)

    def lines_initial(self):
        return lines_initial(quote_lines(tenant=self.request.tenant, quote=self.quote))

    def context(self) -> dict:
        return {**super().context(), "customer": self.quote.customer}

    def back_url(self) -> str:
        return quote_url(self.quote)

    def success_url(self, saved) -> str:
        return quote_url(saved)

    def save(self, form, lines):
        return quote_update(
            tenant=self.request.tenant,
            actor=self.request.user,
            quote=self.quote,
            lines=lines,
            **form.cleaned_data,
        )


def _refusals(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


class QuoteStatusView(QuoteObjectMixin, TenantPermissionRequiredMixin, View):
    """POST ``statut=accepted|refused|in_progress``."""

    permission_required = "ventes.change_quote"
    http_method_names = ["post"]
    DONE = {
        QuoteStatus.ACCEPTED: gettext_lazy("Devis accepté."),
        QuoteStatus.REFUSED: gettext_lazy("Devis refusé."),
        QuoteStatus.IN_PROGRESS: gettext_lazy("Devis remis en cours."),
    }

    def post(self, request, pk: int):
        status = request.POST.get("statut", "")
        if status not in QuoteStatus.values:
            raise Http404
        try:
            quote_status_set(tenant=request.tenant, actor=request.user, quote=self.quote, status=status)
        except ValidationError as error:
            _refusals(request, error)
        else:
            messages.success(request, self.DONE[QuoteStatus(status)])
        return redirect(quote_url(self.quote))


class QuoteToOrderView(QuoteObjectMixin, TenantPermissionRequiredMixin, View):
    """POST: "Transformer en commande" (the order takes the customer's default links and terms)."""

    permission_required = "ventes.add_order"
    http_method_names = ["post"]

    def post(self, request, pk: int):
        try:
            order = quote_to_order(tenant=request.tenant, actor=request.user, quote=self.quote)
        except ValidationError as error:
            _refusals(request, error)
            return redirect(quote_url(self.quote))
        if order.credit_warning:
            messages.warning(request, order.credit_warning)
        messages.success(request, _("Commande %(number)s créée depuis le devis.") % {"number": order.number})
        return redirect(reverse("ventes:order_detail", kwargs={"pk": order.pk}))


# --- The third party's page -----------------------------------------------------------------------


def _section_load(request, third_party) -> dict:
    rows = quotes_of_customer(tenant=request.tenant, customer=third_party)
    return {
        "quotes": [(row, quote_status_badge(row)) for row in rows],
        "quotes_url": f"{reverse('ventes:quote_list')}?client={third_party.code}",
    }


section_register(
    Section(
        name="quotes",
        template="ventes/quotes/_section.html",
        position=140,
        permission=DETAIL_PERMISSION,
        load=_section_load,
    )
)
action_register(
    ActionSpec("quotes", "ventes:quote_create", "ventes.add_quote", gettext_lazy("Nouveau devis"))
)

urlpatterns = [
    path("devis/", QuoteListView.as_view(), name="quote_list"),
    path("devis/<int:pk>/", QuoteDetailView.as_view(), name="quote_detail"),
    path("devis/<int:pk>/modifier/", QuoteUpdateView.as_view(), name="quote_update"),
    path("devis/<int:pk>/statut/", QuoteStatusView.as_view(), name="quote_status"),
    path("devis/<int:pk>/commander/", QuoteToOrderView.as_view(), name="quote_to_order"),
    path("clients/<int:pk>/devis/nouveau/", QuoteCreateView.as_view(), name="quote_create"),
]
