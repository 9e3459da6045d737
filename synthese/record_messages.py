"""Record section "Messages": send an e-mail (to / cc / bcc pre-filled from the customer's
contacts, attachments, plain text) or an SMS to the customer, through ventes' message service;
the messages already sent (done actions of kind e-mail or SMS) are listed.

Pre-fill: "À" the default contact's e-mail (else the first contact's), "Cc" the other active
contacts' e-mails, "Cci" the sender; the SMS goes to the default contact's mobile. Sending needs
the right to add an action (every message is kept as one). Reads: two queries."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tiers.models import ContactLink
from ventes.models import ActionKind
from ventes.selectors_pipeline import actions_of_customer
from ventes.services.messages import SMS_MAX, message_email_send, message_sms_send

from .record import RecordSection, record_section_register, section_refused

KEY = "messages"
SEND_PERMISSION = "ventes.add_action"
EMAIL, SMS = "email", "sms"
EMAIL_FORM, SMS_FORM = "email_form", "sms_form"
SENT_ROWS = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


class EmailForm(forms.Form):
    to = forms.CharField(
        label=gettext_lazy("À"),
        max_length=1000,
        help_text=gettext_lazy("Adresses séparées par des virgules."),
    )
    cc = forms.CharField(label=gettext_lazy("Cc"), max_length=1000, required=False)
    bcc = forms.CharField(label=gettext_lazy("Cci"), max_length=1000, required=False)
    subject = forms.CharField(label=gettext_lazy("Objet"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Message"), widget=forms.Textarea(attrs={"rows": 8}))
    attachments = MultipleFileField(label=gettext_lazy("Pièces jointes"), required=False)


class SmsForm(forms.Form):
    to = forms.CharField(label=gettext_lazy("Portable"), max_length=30)
    body = forms.CharField(
        label=gettext_lazy("Message"), max_length=SMS_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


def _contacts(request, customer) -> list[ContactLink]:
    return list(
        ContactLink.objects.filter(tenant=request.tenant, third_party=customer, is_active=True)
        .select_related("contact")
        .order_by("-is_default", "contact__last_name", "contact__first_name", "pk")
    )


def _initial(request, contacts: list[ContactLink]) -> tuple[dict, dict]:
    emails = [link.contact.email for link in contacts if link.contact.email]
    mobiles = [link.contact.mobile for link in contacts if link.contact.mobile]
    email = {
        "to": emails[0] if emails else "",
        "cc": ", ".join(dict.fromkeys(emails[1:])),
        "bcc": request.user.email,
    }
    return email, {"to": mobiles[0] if mobiles else ""}


def messages_context(request, customer) -> dict:
    contacts = _contacts(request, customer)
    sent = (
        actions_of_customer(tenant=request.tenant, customer=customer)
        .filter(kind__in=(ActionKind.EMAIL, ActionKind.SMS))
        .order_by("-done_at", "-pk")[:SENT_ROWS]
    )
    context = {"contacts": contacts, "sent": list(sent)}
    if request.user.has_perm(SEND_PERMISSION):
        email, sms = _initial(request, contacts)
        context[EMAIL_FORM] = EmailForm(initial=email, prefix=EMAIL)
        context[SMS_FORM] = SmsForm(initial=sms, prefix=SMS)
    return context


def messages_post(request, customer):
    """POST ``canal=email`` or ``canal=sms``: send through ventes' message service; a refusal shows
    the section again with the typed values (synthese.record.section_refused)."""
    if not request.user.has_perm(SEND_PERMISSION):
        raise PermissionDenied
    channel = request.POST.get("canal")
    if channel == SMS:
        name, form = SMS_FORM, SmsForm(request.POST, prefix=SMS)
    else:
        name, form = EMAIL_FORM, EmailForm(request.POST, request.FILES, prefix=EMAIL)
    if not form.is_valid():
        return section_refused(name, form)
    data = form.cleaned_data
    common = {"tenant": request.tenant, "actor": request.user, "customer": customer}
    try:
        if channel == SMS:
            message_sms_send(**common, to=data["to"], body=data["body"])
        else:
            message_email_send(
                **common,
                to=_split(data["to"]),
                cc=_split(data["cc"]),
                bcc=_split(data["bcc"]),
                subject=data["subject"],
                body=data["body"],
                attachments=data["attachments"],
            )
    except ValidationError as error:  # the documents' "file" errors belong to the attachments
        return section_refused(name, form, error, fields={"file": "attachments"})
    messages.success(request, _("SMS envoyé.") if channel == SMS else _("E-mail envoyé."))
    return redirect("synthese:record", pk=customer.pk, section=KEY)


record_section_register(
    RecordSection(
        key=KEY,
        label=gettext_lazy("Messages"),
        order=40,
        template="synthese/record/messages.html",
        context=messages_context,
        permission=("tiers.view_thirdparty", "ventes.view_action"),
        post=messages_post,
    )
)
