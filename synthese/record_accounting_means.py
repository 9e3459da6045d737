"""The "Comptabilité" section's payment means and account actions: the payment authorisations
(tiers.services.mandates: add, revoke after confirmation), the purchase vouchers
(ventes.services.vouchers: issue) and the "bloquer / débloquer" of the account
(tiers.services.third_parties.third_party_blocked_set, information only). Each action is a POST on the
section's URL, told apart by ``action``; a refused form comes back bound (section_refused).
No query of its own but the mandates and the vouchers (constant count)."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tiers.models import MandateKind, PaymentMandate
from tiers.selectors_mandates import payment_mandates_of
from tiers.services.mandates import payment_mandate_create, payment_mandate_revoke
from tiers.services.third_parties import third_party_blocked_set
from ventes.documents import amount_fr
from ventes.forms.deliveries import DATE_WIDGET
from ventes.selectors_vouchers import usable_vouchers
from ventes.services.vouchers import voucher_issue

from .record import section_refused

MAX_PK_DIGITS = 18  # a bigint has 19 digits: 18 always fit

SECTION_KEY = "comptabilite"
MANDATE_ADD_PERMISSION = "tiers.add_paymentmandate"
MANDATE_REVOKE_PERMISSION = "tiers.change_paymentmandate"
VOUCHER_PERMISSION = "ventes.add_voucher"
BLOCK_PERMISSION = "tiers.change_thirdparty"
MANDATE_FORM = "mandate_form"
VOUCHER_FORM = "voucher_form"
VOUCHER_VALIDITY_DAYS = 365

ACTION_MANDATE = "mandat"
ACTION_REVOKE = "revoquer_mandat"
ACTION_VOUCHER = "bon_achat"
ACTION_BLOCK = "bloquer"
ACTION_UNBLOCK = "debloquer"


class MandateForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Type d'autorisation"), choices=MandateKind.choices)
    bank_account = forms.ChoiceField(label=gettext_lazy("Compte bancaire"), required=False)
    reference = forms.CharField(
        label=gettext_lazy("Référence du mandat (RUM)"),
        required=False,
        max_length=35,
        help_text=gettext_lazy("Obligatoire pour un prélèvement SEPA."),
    )
    signed_on = forms.DateField(label=gettext_lazy("Signé le"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=gettext_lazy("Fin de validité"), required=False, widget=DATE_WIDGET)

    def __init__(self, data=None, *, bank_accounts, today: datetime.date) -> None:
        super().__init__(data, prefix="mandat", initial={"signed_on": today})
        self.accounts = {str(account.pk): account for account, _iban in bank_accounts}
        self.fields["bank_account"].choices = [("", "—")] + [
            (str(account.pk), f"{account.bank_name} — {iban}") for account, iban in bank_accounts
        ]

    def bank_account_chosen(self):
        return self.accounts.get(self.cleaned_data.get("bank_account") or "")


class VoucherForm(forms.Form):
    amount = forms.DecimalField(label=gettext_lazy("Montant"), max_digits=14, decimal_places=2)
    expires_on = forms.DateField(label=gettext_lazy("Valable jusqu'au"), widget=DATE_WIDGET)
    label = forms.CharField(label=gettext_lazy("Motif"), required=False, max_length=100)

    def __init__(self, data=None, *, today: datetime.date) -> None:
        initial = {"expires_on": today + datetime.timedelta(days=VOUCHER_VALIDITY_DAYS)}
        super().__init__(data, prefix="bon", initial=initial)


def means_context(request, customer, *, bank_accounts, today: datetime.date) -> dict:
    """The mandates, the usable vouchers and the forms the user may use (two queries)."""
    tenant, user = request.tenant, request.user
    can_add_mandate = user.has_perm(MANDATE_ADD_PERMISSION)
    return {
        "mandates": payment_mandates_of(tenant=tenant, third_party=customer),
        MANDATE_FORM: MandateForm(bank_accounts=bank_accounts, today=today) if can_add_mandate else None,
        "can_revoke_mandate": user.has_perm(MANDATE_REVOKE_PERMISSION),
        "vouchers": usable_vouchers(tenant=tenant, customer=customer, today=today),
        VOUCHER_FORM: VoucherForm(today=today) if user.has_perm(VOUCHER_PERMISSION) else None,
    }


def _back(customer):
    return redirect("synthese:record", pk=customer.pk, section=SECTION_KEY)


def _need(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _mandate_add(request, customer, *, bank_accounts):
    _need(request, MANDATE_ADD_PERMISSION)
    form = MandateForm(request.POST, bank_accounts=bank_accounts, today=timezone.localdate())
    if not form.is_valid():
        return section_refused(MANDATE_FORM, form)
    data = form.cleaned_data
    try:
        mandate = payment_mandate_create(
            tenant=request.tenant,
            actor=request.user,
            third_party=customer,
            kind=data["kind"],
            bank_account=form.bank_account_chosen(),
            reference=data["reference"],
            signed_on=data["signed_on"],
            ends_on=data["ends_on"],
        )
    except ValidationError as error:
        return section_refused(MANDATE_FORM, form, error)
    messages.success(
        request, _("Autorisation de prélèvement enregistrée : %(mandate)s.") % {"mandate": mandate}
    )
    return _back(customer)


def _mandate_revoke(request, customer):
    _need(request, MANDATE_REVOKE_PERMISSION)
    posted = request.POST.get("mandate", "")
    # Anything but a row number (text, a number past the column's range) is no mandate: 404.
    pk = int(posted) if posted.isdecimal() and len(posted) <= MAX_PK_DIGITS else 0
    mandate = get_object_or_404(PaymentMandate, tenant=request.tenant, third_party=customer, pk=pk)
    try:
        payment_mandate_revoke(tenant=request.tenant, actor=request.user, mandate=mandate)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _back(customer)
    messages.success(request, _("Autorisation de prélèvement révoquée : %(mandate)s.") % {"mandate": mandate})
    return _back(customer)


def _voucher_issue(request, customer):
    _need(request, VOUCHER_PERMISSION)
    form = VoucherForm(request.POST, today=timezone.localdate())
    if not form.is_valid():
        return section_refused(VOUCHER_FORM, form)
    data = form.cleaned_data
    try:
        voucher = voucher_issue(
            tenant=request.tenant,
            actor=request.user,
            customer=customer,
            amount=data["amount"],
            expires_on=data["expires_on"],
            label=data["label"],
        )
    except ValidationError as error:
        return section_refused(VOUCHER_FORM, form, error)
    messages.success(
        request,
        _("Bon d'achat %(number)s de %(amount)s émis.")
        % {"number": voucher.number, "amount": amount_fr(voucher.amount)},
    )
    return _back(customer)


def _block(request, customer, *, blocked: bool):
    _need(request, BLOCK_PERMISSION)
    third_party_blocked_set(tenant=request.tenant, actor=request.user, third_party=customer, blocked=blocked)
    messages.success(request, _("Compte bloqué.") if blocked else _("Compte débloqué."))
    return _back(customer)


def means_post(request, customer, *, bank_accounts):
    """The response of the action posted, or None when the action is not one of these."""
    action = request.POST.get("action")
    if action == ACTION_MANDATE:
        return _mandate_add(request, customer, bank_accounts=bank_accounts)
    if action == ACTION_REVOKE:
        return _mandate_revoke(request, customer)
    if action == ACTION_VOUCHER:
        return _voucher_issue(request, customer)
    if action in (ACTION_BLOCK, ACTION_UNBLOCK):
        return _block(request, customer, blocked=action == ACTION_BLOCK)
    return None
