"""The complete customer record (fiche client): a page per section, composed from every app's
data (the identity pages stay in tiers).

Each section is a ``RecordSection`` registered here by the module that builds it
(``synthese/record_<name>.py``, imported at the bottom of this file): a key (the URL slug), a
French label, an order in the record's navigation, the permission needed to see it, and a
``context`` function ``(request, customer) -> dict`` whose result is rendered with the section's
template inside ``synthese/record/base.html``. A section may also take POST requests
(``post``: ``(request, customer) -> HttpResponse | SectionRefusal``), for the small forms it owns.

POST and nothing lost on bad input: a section's ``post`` validates its bound form and calls a
service. When it accepts, it returns a response: the redirect back to the section (PRG, with a
``messages.success``) or elsewhere. When it refuses (the form is invalid, or the service raised a
ValidationError), it returns ``section_refused(name, form, error)`` instead of a redirect:
``RecordView`` then renders the section again (status 200), with the section's ``context`` whose
entry ``name`` is replaced by the bound form, so every typed value is kept and each French error
shows on its field (the service's errors keyed by field go on that field, ``fields`` renames the
service's keys to the form's, the rest go above the form through ``includes/form_errors.html``).
Uploaded files cannot be shown back: a refused form's file fields say so in their help text.
The section's template renders the form with ``includes/form_errors.html`` (above the fields)
and ``includes/field.html`` (each field, its value and its errors). Used by "Suivi" (the event
form), "Messages" (the e-mail and SMS forms, ``fields={"file": "attachments"}``), "Comptabilité"
(the payment form, the statement print) and "Imprimer" (the print form); a ``post``
that still answers a refusal with flash messages and a redirect keeps working. Example::

    def thing_post(request, customer):
        form = ThingForm(request.POST)
        if not form.is_valid():
            return section_refused("thing_form", form)
        try:
            thing_create(tenant=request.tenant, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            return section_refused("thing_form", form, error)
        messages.success(request, _("Enregistré."))
        return redirect("synthese:record", pk=customer.pk, section=KEY)

The sections' reads have a constant query count whatever the customer's size (tested).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _

from crm.views.forms import form_add_service_error


@dataclass(frozen=True)
class RecordSection:
    key: str
    label: str
    order: int
    template: str
    context: Callable[..., dict]
    permission: str | tuple[str, ...] | None = "tiers.view_thirdparty"
    post: Callable[..., HttpResponse | SectionRefusal] | None = None
    crm_only: bool = False


@dataclass(frozen=True)
class SectionRefusal:
    """A section's POST refused: the bound form to render back, by its name in the context."""

    name: str
    form: forms.BaseForm


def message_files_not_kept() -> str:
    return _("Les pièces jointes ne sont pas conservées après un refus : sélectionnez-les de nouveau.")


def section_refused(
    name: str,
    form: forms.BaseForm,
    error: ValidationError | None = None,
    *,
    fields: dict[str, str] | None = None,
) -> SectionRefusal:
    """The refusal of ``form`` (bound), with the service's ``error`` put on its fields (``fields``
    renames the service's keys to the form's); its file fields say the files were not kept."""
    if error is not None:
        if fields and hasattr(error, "error_dict"):
            error = ValidationError(
                {fields.get(key, key): errors for key, errors in error.error_dict.items()}
            )
        form_add_service_error(form, error)
    for field_name, field in form.fields.items():
        if isinstance(field, forms.FileField):  # the bound field copied its help text: set both
            field.help_text = form[field_name].help_text = message_files_not_kept()
    return SectionRefusal(name=name, form=form)


SECTIONS: dict[str, RecordSection] = {}


def record_section_register(section: RecordSection) -> RecordSection:
    SECTIONS[section.key] = section
    return section


def _allowed(user, membership, section: RecordSection) -> bool:
    if section.crm_only and not (membership and membership.has_crm_licence):
        return False
    if section.permission is None:
        return True
    needed = (section.permission,) if isinstance(section.permission, str) else section.permission
    return user.has_perms(needed)


def sections_visible(user, membership) -> list[RecordSection]:
    """The sections the user may open, in their order."""
    return sorted(
        (section for section in SECTIONS.values() if _allowed(user, membership, section)),
        key=lambda section: section.order,
    )


# The section modules register themselves on import (keep this list sorted by order).
from . import (  # noqa: E402
    record_accounting,  # noqa: F401
    record_followup,  # noqa: F401
    record_loyalty,  # noqa: F401
    record_main,  # noqa: F401
    record_map,  # noqa: F401
    record_messages,  # noqa: F401
    record_print,  # noqa: F401
    record_sales,  # noqa: F401
    record_terms,  # noqa: F401
)
