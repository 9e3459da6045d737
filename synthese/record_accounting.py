"""Record section "Comptabilité": the customer's account as payer (balance, unpaid invoices,
unused credit notes, unallocated payments), the "compte bloqué" flag (information only, shown to
everyone), recording an unallocated payment (ventes.services.payments), the account statement
with its search and print (ventes/exports_account.py through core's export framework), payment
means (bank accounts of tiers and the payment authorisations: SEPA, card, LCR), the purchase
vouchers beside the unallocated payments, the "bloquer / débloquer" of the account
(synthese/record_accounting_means.py), accounting account, and the situation (aged balance,
credit exposure, last operations). Dunning letters and bills of exchange portfolios are out of
scope, said on screen. A fixed number of queries whatever the size of the account.

A refused payment or statement print shows the section again with the bound form (the French
errors on their fields, the typed values kept; synthese.record.section_refused); the statement
shown is then the one of the period posted for print."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.exports.registry import PDF, XLSX, exporter_registry
from crm.services.exports import export_request
from tiers.selectors_sites_banks import bank_accounts_of, iban_formatted
from ventes.documents import amount_fr
from ventes.exports_account import KEY as STATEMENT_EXPORT
from ventes.exports_account import statement_parameters
from ventes.forms.deliveries import DATE_WIDGET
from ventes.forms.payments import PaymentForm
from ventes.selectors_account import (
    account_statement,
    account_summary,
    last_operations,
    unallocated_payments,
    unpaid_invoices,
    unused_credit_notes,
)
from ventes.selectors_balance import aged_balance_of
from ventes.selectors_credit import credit_exposure
from ventes.services.payments import payment_record

from .record import RecordSection, record_section_register, section_refused
from .record_accounting_means import means_context, means_post

KEY = "comptabilite"
PAY_PERMISSION = "ventes.add_payment"
STATEMENT_DAYS = 365
PAYMENT_FORM = "payment_form"
STATEMENT_PRINT_FORM = "statement_print_form"
PRINT_ACTION = "imprimer"


class StatementSearchForm(forms.Form):
    du = forms.DateField(label=gettext_lazy("Du"), required=False, widget=DATE_WIDGET)
    au = forms.DateField(label=gettext_lazy("Au"), required=False, widget=DATE_WIDGET)
    document = forms.CharField(label=gettext_lazy("Document"), required=False, max_length=30)

    def search(self, today: datetime.date) -> tuple[datetime.date, datetime.date, str]:
        data = self.cleaned_data if self.is_valid() else {}
        date_to = data.get("au") or today
        date_from = data.get("du") or date_to - datetime.timedelta(days=STATEMENT_DAYS)
        return date_from, date_to, (data.get("document") or "").strip()


def _payment_form(data=None, *, today):
    form = PaymentForm(data, invoices=[], today=today)
    del form.fields["automatic"]
    return form


def _is_statement_print(request) -> bool:
    return request.method == "POST" and request.POST.get("action") == PRINT_ACTION


def _bank_accounts(request, customer) -> list[tuple]:
    """(account, formatted IBAN) of the customer's bank accounts, the default first."""
    return [
        (account, iban_formatted(account.iban))
        for account in bank_accounts_of(tenant=request.tenant, third_party=customer)
    ]


def accounting_context(request, customer) -> dict:
    tenant, user = request.tenant, request.user
    today = timezone.localdate()
    # A refused print shows the statement of the period it posted, not the default one.
    search = StatementSearchForm((request.POST if _is_statement_print(request) else request.GET) or None)
    date_from, date_to, document = search.search(today)
    statement_exporter = exporter_registry.get(STATEMENT_EXPORT)
    exposure = credit_exposure(tenant=tenant, customer_id=customer.pk)
    bank_accounts = _bank_accounts(request, customer)
    return {
        "summary": account_summary(tenant=tenant, payer=customer, today=today),
        "unpaid": unpaid_invoices(tenant=tenant, payer=customer),
        "credit_notes": unused_credit_notes(tenant=tenant, payer=customer),
        "payments": unallocated_payments(tenant=tenant, payer=customer),
        "statement": account_statement(
            tenant=tenant, payer=customer, date_from=date_from, date_to=date_to, document=document
        ),
        "search_form": search,
        "search": {"du": date_from, "au": date_to, "document": document},
        "can_print_statement": statement_exporter.is_allowed(user),
        "bank_accounts": bank_accounts,
        "aged": aged_balance_of(tenant=tenant, user=user, payer=customer, at=today),
        "exposure": exposure,
        "commercial_exposure": exposure.delivered_not_invoiced + exposure.open_orders,
        "last_operations": last_operations(tenant=tenant, payer=customer),
        PAYMENT_FORM: _payment_form(today=today) if user.has_perm(PAY_PERMISSION) else None,
        STATEMENT_PRINT_FORM: None,
        "can_change_customer": user.has_perm("tiers.change_thirdparty"),
        **means_context(request, customer, bank_accounts=bank_accounts, today=today),
    }


def _back(customer):
    return redirect("synthese:record", pk=customer.pk, section=KEY)


def _payment_post(request, customer):
    if not request.user.has_perm(PAY_PERMISSION):
        raise PermissionDenied
    form = _payment_form(request.POST, today=timezone.localdate())
    if not form.is_valid():
        return section_refused(PAYMENT_FORM, form)
    data = form.cleaned_data
    try:
        payment = payment_record(
            tenant=request.tenant,
            actor=request.user,
            payer=customer,
            received_on=data["received_on"],
            amount=data["amount"],
            method=data["method"],
            reference=data["reference"],
            allocate=False,
        )
    except ValidationError as error:
        return section_refused(PAYMENT_FORM, form, error)
    messages.success(
        request,
        _("Règlement de %(amount)s enregistré, non affecté.") % {"amount": amount_fr(payment.amount)},
    )
    return _back(customer)


def _statement_print(request, customer):
    search = StatementSearchForm(request.POST)
    date_from, date_to, document = search.search(timezone.localdate())
    export_format = request.POST.get("format") if request.POST.get("format") in (PDF, XLSX) else PDF
    try:
        export_request(
            tenant=request.tenant,
            user=request.user,
            exporter_key=STATEMENT_EXPORT,
            format=export_format,
            parameters=statement_parameters(
                customer_id=customer.pk, date_from=date_from, date_to=date_to, document=document
            ),
        )
    except ValidationError as error:
        return section_refused(STATEMENT_PRINT_FORM, search, error)
    messages.success(
        request, _("Extrait de compte demandé. Vous pourrez le télécharger dès qu'il sera prêt.")
    )
    return redirect("exports:list")


def accounting_post(request, customer):
    if _is_statement_print(request):
        return _statement_print(request, customer)
    response = means_post(request, customer, bank_accounts=_bank_accounts(request, customer))
    return response if response is not None else _payment_post(request, customer)


record_section_register(
    RecordSection(
        key=KEY,
        label=gettext_lazy("Comptabilité"),
        order=70,
        template="synthese/record/accounting.html",
        context=accounting_context,
        permission=("tiers.view_thirdparty", "ventes.view_invoice", "ventes.view_payment"),
        post=accounting_post,
    )
)
