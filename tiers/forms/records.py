"""Forms of the customer's shared records. They collect input only: the rules (file type by
content, size, URL schemes, recipients, signer) are the services' and come back as their
French ValidationError messages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    # Empty files reach the service, which refuses them with its own message.
    file = forms.FileField(label=_("Fichier"), required=False, allow_empty_file=True)
    # A plain text field: the service checks the scheme (http/https only) and the address.
    url = forms.CharField(label=_("ou adresse (lien)"), max_length=500, required=False)


class ExchangeForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))
    send = forms.BooleanField(label=_("Envoyer par e-mail aux destinataires"), required=False)
    recipients = forms.CharField(
        label=_("Destinataires"),
        required=False,
        help_text=_("Adresses e-mail séparées par des virgules ou des points-virgules."),
    )


class SignatureForm(forms.Form):
    signer_name = forms.CharField(label=_("Signataire"), max_length=150)
    # Checked by the service, so its French message is the one shown.
    signer_email = forms.CharField(label=_("E-mail du signataire"), max_length=254)


class SignForm(forms.Form):
    """The signer's answer on the public signing page."""

    decision = forms.ChoiceField(choices=[("sign", _("Signer")), ("refuse", _("Refuser"))])
    reason = forms.CharField(
        label=_("Motif du refus"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class WikiPageForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    body = forms.CharField(
        label=_("Contenu"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Texte simple : les retours à la ligne sont conservés."),
    )


class VaultSecretForm(forms.Form):
    """``secret`` and ``notes`` are write-only: never rendered back; empty on edit keeps them."""

    label = forms.CharField(label=_("Libellé"), max_length=150)
    login = forms.CharField(label=_("Identifiant"), max_length=150, required=False)
    url = forms.URLField(label=_("Adresse"), max_length=500, required=False, assume_scheme="https")
    secret = forms.CharField(
        label=_("Secret"), required=False, strip=False, widget=forms.PasswordInput(render_value=False)
    )
    notes = forms.CharField(
        label=_("Notes (chiffrées)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            self.fields["secret"].help_text = _("Laissez vide pour conserver le secret enregistré.")
            self.fields["notes"].help_text = _("Laissez vide pour conserver les notes enregistrées.")
        else:
            self.fields["secret"].required = True
            self.fields["secret"].error_messages["required"] = _("Le secret est obligatoire.")
