"""Writes of contacts (interlocuteurs) and of their links to third parties.

Rules (seed "Onglet Contacts"):
- a contact has a unique key per tenant, typed or, when left blank, taken from the tenant's
  "contacts" counter (a 15-digit sequence);
- its function comes from the tenant's list of contact functions; its birth date is not in the
  future; its phones are stored in E.164 with their national digits (duplicate detection and
  search match the digits whatever the formatting); its e-mail in lower case;
- one contact can be linked to several third parties; each link has its own active flag,
  optional address code (an address OF THAT third party) and default flag;
- a third party that has active contacts has exactly one default contact, and it is active (a
  partial unique index guarantees at most one; these services keep at least one): the first
  active contact linked becomes the default, making a contact the default demotes the previous
  one in the same transaction, and the default can be neither deactivated nor unlinked while
  other active contacts remain (the user chooses another default first: nothing is promoted
  silently). When the last active contact goes, the third party simply has no default.

Every write runs in one transaction and is audited.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from crm.services.counters import counter_format
from tiers.models import Address, Contact, ContactLink, SegmentValue, ThirdParty
from tiers.models.reference import SegmentKind
from tiers.validators import email_clean, phone_clean

COUNTER_KEY = "contacts"
KEY_WIDTH = 15

CONTACT_FIELDS = (
    "key",
    "civility",
    "first_name",
    "last_name",
    "function",
    "department",
    "language",
    "birth_date",
    "email",
    "phone",
    "fax",
    "mobile",
    "no_mailing",
)
LINK_FIELDS = ("address", "is_default", "is_active")

_CONTACT_AUDITED = (
    "key",
    "civility",
    "first_name",
    "last_name",
    "function_id",
    "department",
    "language",
    "birth_date",
    "email",
    "phone",
    "fax",
    "mobile",
    "no_mailing",
)
_LINK_AUDITED = ("contact_id", "third_party_id", "address_id", "is_default", "is_active")
_TEXT_FIELDS = ("key", "first_name", "last_name", "department")

_UNSET: Any = object()


# --- Messages (tests and forms use them) ------------------------------------------------------------


def message_already_linked() -> str:
    return _("Ce contact est déjà rattaché à ce tiers.")


def message_address_unknown() -> str:
    return _("Code adresse inexistant.")


def message_key_taken(key: str) -> str:
    return _("Le code contact %(key)s est déjà utilisé.") % {"key": key}


def message_function_unknown() -> str:
    return _("Fonction inconnue : choisissez une fonction de la liste des fonctions de contact.")


def message_birth_date_future() -> str:
    return _("La date de naissance ne peut pas être dans le futur.")


def message_inactive_default() -> str:
    return _("Un contact inactif ne peut pas être le contact par défaut.")


def message_keep_default() -> str:
    return _(
        "Un tiers doit garder un contact par défaut : désignez un autre contact comme contact par "
        "défaut, il remplacera celui-ci."
    )


def message_default_deactivate() -> str:
    return _(
        "Ce contact est le contact par défaut du tiers : désignez d'abord un autre contact par "
        "défaut, puis désactivez celui-ci."
    )


def message_default_unlink() -> str:
    return _(
        "Ce contact est le contact par défaut du tiers : désignez d'abord un autre contact par "
        "défaut, puis détachez celui-ci."
    )


def message_other_tenant() -> str:
    return _("Ce contact n'appartient pas à cette société.")


# --- Helpers ----------------------------------------------------------------------------------------


def _lock_third_party(third_party: ThirdParty) -> None:
    """Serialise the writes that move a third party's default contact (the partial unique index
    would otherwise turn two concurrent "make default" into an error page)."""
    list(ThirdParty.objects.select_for_update().filter(pk=third_party.pk).values_list("pk", flat=True))


def _region(third_party: ThirdParty | None) -> str:
    if third_party is None:
        return "FR"
    return third_party.country.code if third_party.country_id else "FR"


def _function_check(*, tenant: Company, function: SegmentValue | None, previous_id: int | None) -> None:
    if function is None:
        return
    if (
        function.tenant_id != tenant.pk
        or function.kind != SegmentKind.CONTACT_FUNCTION
        or (not function.is_active and function.pk != previous_id)
    ):
        raise ValidationError({"function": message_function_unknown()}, code="function_unknown")


def _contact_fill(*, tenant: Company, contact: Contact, fields: dict[str, Any], region: str) -> None:
    """Copy ``fields`` onto ``contact`` with every rule checked; errors collected per field."""
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown contact fields: {sorted(unknown)}")
    errors: dict[str, list[ValidationError]] = {}
    previous_function_id = contact.function_id
    for name, value in fields.items():
        if name in _TEXT_FIELDS or name in ("civility",):
            setattr(contact, name, (value or "").strip())
        elif name == "email":
            contact.email = email_clean(value)
        elif name in ("phone", "mobile", "fax"):
            e164, digits = "", ""
            if (value or "").strip():
                try:
                    e164, digits = phone_clean(value, region)
                except ValidationError as exc:
                    errors.setdefault(name, []).append(exc)
                    continue
            setattr(contact, name, e164)
            if name != "fax":
                setattr(contact, f"{name}_digits", digits)
        elif name == "function":
            try:
                _function_check(tenant=tenant, function=value, previous_id=previous_function_id)
            except ValidationError as exc:
                errors.setdefault(name, []).append(exc)
                continue
            contact.function = value
        elif name == "birth_date":
            if isinstance(value, datetime.date) and value > timezone.localdate():
                errors.setdefault(name, []).append(
                    ValidationError(message_birth_date_future(), code="birth_date_future")
                )
                continue
            contact.birth_date = value
        elif name == "no_mailing":
            contact.no_mailing = bool(value)
        else:
            setattr(contact, name, value if value is not None else "")
    if "key" in fields and contact.key:
        taken = Contact.objects.filter(tenant=tenant, key=contact.key)
        if contact.pk is not None:
            taken = taken.exclude(pk=contact.pk)
        if taken.exists():
            errors.setdefault("key", []).append(
                ValidationError(message_key_taken(contact.key), code="key_taken")
            )
    if errors:
        raise ValidationError(errors)


def _key_generate(tenant: Company) -> str:
    """The next free value of the tenant's contact counter (a typed key may already hold one)."""
    while True:
        key = counter_format(tenant=tenant, key=COUNTER_KEY, width=KEY_WIDTH)
        if not Contact.objects.filter(tenant=tenant, key=key).exists():
            return key


def _address_check(*, third_party: ThirdParty, address: Address | None) -> None:
    if address is not None and (
        address.third_party_id != third_party.pk or address.tenant_id != third_party.tenant_id
    ):
        raise ValidationError({"address": message_address_unknown()}, code="address_unknown")


def _current_default(*, tenant: Company, third_party: ThirdParty) -> ContactLink | None:
    return ContactLink.objects.filter(tenant=tenant, third_party=third_party, is_default=True).first()


def _demote(*, tenant: Company, actor, previous: ContactLink) -> None:
    """Remove the default flag of ``previous`` (another contact becomes the default)."""
    previous.is_default = False
    previous.save(update_fields=["is_default"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="contactlink.update",
        instance=previous,
        changes={"is_default": [True, False]},
        reason=_("Un autre contact devient le contact par défaut."),
    )


def _other_active_links(link: ContactLink) -> bool:
    return (
        ContactLink.objects.filter(tenant=link.tenant_id, third_party=link.third_party_id, is_active=True)
        .exclude(pk=link.pk)
        .exists()
    )


# --- Contacts ---------------------------------------------------------------------------------------


@transaction.atomic
def contact_create(
    *, tenant: Company, actor, third_party: ThirdParty, link: dict | None = None, **fields: Any
) -> Contact:
    """Create a contact and link it to ``third_party`` (``link``: address, is_default, is_active)."""
    contact = Contact(tenant=tenant)
    link = dict(link or {})
    errors: dict[str, list] = {}
    try:
        _contact_fill(tenant=tenant, contact=contact, fields=fields, region=_region(third_party))
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        _link_values_check(third_party=third_party, **link)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    if not contact.key:
        contact.key = _key_generate(tenant)
    contact.full_clean()
    contact.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="contact.create",
        instance=contact,
        changes={name: [None, value] for name, value in audit_snapshot(contact, _CONTACT_AUDITED).items()},
    )
    contact_link(tenant=tenant, actor=actor, contact=contact, third_party=third_party, **link)
    return contact


@transaction.atomic
def contact_update(
    *,
    tenant: Company,
    actor,
    contact: Contact,
    third_party: ThirdParty | None = None,
    link: dict | None = None,
    **fields: Any,
) -> Contact:
    """Change a contact's fields and, with ``third_party`` and ``link``, its link to that third
    party, in one transaction (a refused link change keeps the contact unchanged)."""
    if contact.tenant_id != tenant.pk:
        raise ValidationError(message_other_tenant(), code="other_tenant")
    before = audit_snapshot(contact, _CONTACT_AUDITED)
    errors: dict[str, list] = {}
    try:
        _contact_fill(tenant=tenant, contact=contact, fields=fields, region=_region(third_party))
    except ValidationError as exc:
        errors.update(exc.error_dict)
    contact_link_row = None
    if link:
        if third_party is None:
            raise TypeError("contact_update(link=...) needs the third_party of the link")
        contact_link_row = ContactLink.objects.get(tenant=tenant, contact=contact, third_party=third_party)
        try:
            _link_values_check(third_party=third_party, **link)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if errors:
        contact.refresh_from_db()
        raise ValidationError(errors)
    if not contact.key:
        contact.key = _key_generate(tenant)
    contact.full_clean()
    changes = audit_changes(before, audit_snapshot(contact, _CONTACT_AUDITED))
    if changes:
        contact.save()
        audit_record(tenant=tenant, actor=actor, action="contact.update", instance=contact, changes=changes)
    if contact_link_row is not None:
        contact_link_update(tenant=tenant, actor=actor, link=contact_link_row, **link)
    return contact


# --- Links ------------------------------------------------------------------------------------------


def _link_values_check(
    *, third_party: ThirdParty, address=_UNSET, is_default=_UNSET, is_active=_UNSET
) -> None:
    """The checks of a link's own values that need no other row (before anything is written)."""
    errors = {}
    if address is not _UNSET:
        try:
            _address_check(third_party=third_party, address=address)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if is_default is True and is_active is False:
        errors["is_default"] = [ValidationError(message_inactive_default(), code="inactive_default")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def contact_link(
    *,
    tenant: Company,
    actor,
    contact: Contact,
    third_party: ThirdParty,
    address: Address | None = None,
    is_default: bool = False,
    is_active: bool = True,
) -> ContactLink:
    """Link an existing contact to ``third_party`` (shared contact). The first active contact of a
    third party becomes its default; ``is_default`` demotes the previous default."""
    if contact.tenant_id != tenant.pk or third_party.tenant_id != tenant.pk:
        raise ValidationError(message_other_tenant(), code="other_tenant")
    _lock_third_party(third_party)
    if ContactLink.objects.filter(tenant=tenant, contact=contact, third_party=third_party).exists():
        raise ValidationError({"contact": message_already_linked()}, code="already_linked")
    _link_values_check(third_party=third_party, address=address, is_default=is_default, is_active=is_active)
    previous = _current_default(tenant=tenant, third_party=third_party)
    if is_active and previous is None:
        is_default = True
    if is_default and previous is not None:
        _demote(tenant=tenant, actor=actor, previous=previous)
    link = ContactLink(
        tenant=tenant,
        contact=contact,
        third_party=third_party,
        address=address,
        is_default=is_default,
        is_active=is_active,
    )
    link.full_clean()
    link.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="contactlink.create",
        instance=link,
        changes={name: [None, value] for name, value in audit_snapshot(link, _LINK_AUDITED).items()},
    )
    return link


@transaction.atomic
def contact_link_update(
    *,
    tenant: Company,
    actor,
    link: ContactLink,
    address: Address | None = _UNSET,
    is_default: bool | None = None,
    is_active: bool | None = None,
) -> ContactLink:
    """Change one link's active flag, address code (of the link's third party) or default flag."""
    if link.tenant_id != tenant.pk:
        raise ValidationError(message_other_tenant(), code="other_tenant")
    third_party = link.third_party
    _lock_third_party(third_party)
    link.refresh_from_db(fields=["is_default", "is_active", "address"])
    before = audit_snapshot(link, _LINK_AUDITED)
    wanted_active = link.is_active if is_active is None else bool(is_active)
    wanted_default = link.is_default if is_default is None else bool(is_default)
    if address is not _UNSET:
        _address_check(third_party=third_party, address=address)
    if link.is_default and not wanted_active:
        if _other_active_links(link):
            raise ValidationError({"is_active": message_default_deactivate()}, code="default_deactivate")
        if is_default is None:
            wanted_default = False  # the last active contact goes: no default left, nothing promoted
    if wanted_default and not wanted_active:
        raise ValidationError({"is_default": message_inactive_default()}, code="inactive_default")
    if link.is_default and not wanted_default and wanted_active:
        raise ValidationError({"is_default": message_keep_default()}, code="keep_default")
    if (
        wanted_active
        and not wanted_default
        and _current_default(tenant=tenant, third_party=third_party) is None
    ):
        wanted_default = True  # the first active contact becomes the default
    if wanted_default and not link.is_default:
        previous = _current_default(tenant=tenant, third_party=third_party)
        if previous is not None:
            _demote(tenant=tenant, actor=actor, previous=previous)
    if address is not _UNSET:
        link.address = address
    link.is_active = wanted_active
    link.is_default = wanted_default
    link.full_clean()
    changes = audit_changes(before, audit_snapshot(link, _LINK_AUDITED))
    if changes:
        link.save()
        audit_record(tenant=tenant, actor=actor, action="contactlink.update", instance=link, changes=changes)
    return link


def contact_set_default(*, tenant: Company, actor, link: ContactLink) -> ContactLink:
    """Make this contact the default contact of the link's third party (the previous one is demoted)."""
    return contact_link_update(tenant=tenant, actor=actor, link=link, is_default=True)


@transaction.atomic
def contact_unlink(*, tenant: Company, actor, link: ContactLink) -> None:
    """Detach a contact from one third party. The contact itself stays (other third parties may
    share it; it can be linked again)."""
    if link.tenant_id != tenant.pk:
        raise ValidationError(message_other_tenant(), code="other_tenant")
    _lock_third_party(link.third_party)
    link.refresh_from_db(fields=["is_default", "is_active"])
    if link.is_default and _other_active_links(link):
        raise ValidationError(message_default_unlink(), code="default_unlink")
    audit_record(
        tenant=tenant,
        actor=actor,
        action="contactlink.delete",
        instance=link,
        changes={name: [value, None] for name, value in audit_snapshot(link, _LINK_AUDITED).items()},
    )
    link.delete()
