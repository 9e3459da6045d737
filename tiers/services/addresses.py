"""Writes of a third party's addresses, with their phones and e-mails.

Rules (seed "Onglet Adresses"): at least one address; exactly one default (a partial unique index
guarantees at most one, these services refuse zero; a lone address becomes the default); making
an address the default demotes the previous one in the same transaction; the code of an address
used by a contact link, a bank account, a ship-to or a site can be neither changed nor deleted.
Postal code and city follow the country's rules (tiers.validators.postal_place_clean).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from tiers.models import Address, AddressEmail, AddressPhone, ThirdParty
from tiers.models.addresses import PhoneKind
from tiers.validators import email_clean, phone_clean, postal_place_clean

ADDRESS_FIELDS = (
    "code",
    "description",
    "line1",
    "line2",
    "line3",
    "postal_code",
    "city",
    "subdivision",
    "country",
    "website",
    "external_id",
    "is_default",
)
_AUDITED = tuple(name if name != "country" else "country_id" for name in ADDRESS_FIELDS)


def message_no_address() -> str:
    return _("Un tiers doit avoir au moins une adresse.")


def message_no_default() -> str:
    return _("Une des adresses doit être l'adresse par défaut.")


def message_two_defaults() -> str:
    return _("Une seule adresse peut être l'adresse par défaut.")


def message_keep_default() -> str:
    return _(
        "Un tiers doit garder une adresse par défaut : désignez une autre adresse comme adresse par "
        "défaut, elle remplacera celle-ci."
    )


def message_code_used(users: Sequence[str]) -> str:
    if len(users) > 1:
        listed = _("%(first)s et %(last)s") % {"first": ", ".join(users[:-1]), "last": users[-1]}
    else:
        listed = users[0]
    return _("Ce code adresse est utilisé par %(users)s : il ne peut être ni modifié ni supprimé.") % {
        "users": listed
    }


# --- Reads used by the rules ----------------------------------------------------------------------


def address_usage(address: Address) -> list[str]:
    """What uses this address code (French labels), in one query."""
    from django.db.models import Exists, OuterRef

    from tiers.models import BankAccount, ContactLink, ShipTo, Site

    users = {
        "contact": (ContactLink, _("un contact")),
        "bank": (BankAccount, _("un compte bancaire")),
        "ship_to": (ShipTo, _("un client livré")),
        "site": (Site, _("un site")),
    }
    row = (
        Address.objects.filter(pk=address.pk)
        .annotate(
            **{
                key: Exists(model.objects.filter(tenant=address.tenant_id, address=OuterRef("pk")))
                for key, (model, _label) in users.items()
            }
        )
        .values(*users)
        .get()
    )
    return [str(label) for key, (_model, label) in users.items() if row[key]]


def _next_code(taken: set[str]) -> str:
    number = 1
    while f"{number:03d}" in taken:
        number += 1
    return f"{number:03d}"


# --- Value cleaning -------------------------------------------------------------------------------


def _phones_clean(phones: Iterable[Any], *, region: str) -> list[tuple[str, str, str]]:
    """[(kind, e164, digits)] from dicts {"kind", "number"} or plain strings; blank ones skipped."""
    cleaned, errors = [], []
    for phone in phones:
        kind, number = (
            (phone.get("kind") or PhoneKind.PHONE, phone.get("number", ""))
            if isinstance(phone, dict)
            else (PhoneKind.PHONE, phone)
        )
        if not (number or "").strip():
            continue
        if kind not in PhoneKind.values:
            errors.append(_("Type de téléphone inconnu : %(kind)s.") % {"kind": kind})
            continue
        try:
            e164, digits = phone_clean(number, region)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        cleaned.append((kind, e164, digits))
    if errors:
        raise ValidationError({"phones": errors})
    return cleaned


def _emails_clean(emails: Iterable[str]) -> list[str]:
    from django.core.validators import validate_email

    cleaned, errors = [], []
    for email in emails:
        value = email_clean(email)
        if not value:
            continue
        try:
            validate_email(value)
        except ValidationError:
            errors.append(_("Adresse e-mail invalide : %(value)s.") % {"value": value})
            continue
        if value not in cleaned:
            cleaned.append(value)
    if errors:
        raise ValidationError({"emails": errors})
    return cleaned


def _address_fill(address: Address, data: dict[str, Any]) -> list[str]:
    """Copy ``data`` onto ``address``, check the postal place; returns the warnings."""
    for name in ADDRESS_FIELDS:
        if name in data:
            value = data[name]
            setattr(address, name, value if value is not None or name == "country" else "")
    if address.country_id is None:
        raise ValidationError({"country": _("Le pays de l'adresse est obligatoire.")})
    place = postal_place_clean(
        country=address.country,
        postal_code=address.postal_code,
        city=address.city,
        subdivision=address.subdivision or "",
    )
    address.postal_code, address.city, address.subdivision = place.postal_code, place.city, place.subdivision
    address.code = (address.code or "").strip()
    return place.warnings


def _phones_emails_write(
    *, tenant: Company, address: Address, phones: list[tuple[str, str, str]], emails: list[str]
) -> dict[str, list]:
    """Replace the address's phones and e-mails when they changed; returns the audit changes."""
    before_phones = [(p.kind, p.number) for p in address.phones.all()]
    before_emails = [e.email for e in address.emails.all()]
    changes: dict[str, list] = {}
    after_phones = [(kind, e164) for kind, e164, _digits in phones]
    if before_phones != after_phones:
        address.phones.all().delete()
        AddressPhone.objects.bulk_create(
            [
                AddressPhone(tenant=tenant, address=address, kind=kind, number=e164, digits=digits)
                for kind, e164, digits in phones
            ]
        )
        changes["phones"] = [[n for _k, n in before_phones], [n for _k, n in after_phones]]
    if before_emails != emails:
        address.emails.all().delete()
        AddressEmail.objects.bulk_create(
            [AddressEmail(tenant=tenant, address=address, email=email) for email in emails]
        )
        changes["emails"] = [before_emails, emails]
    return changes


def _region(address: Address) -> str:
    return address.country.phone_region or "FR"


# --- Services -------------------------------------------------------------------------------------


@transaction.atomic
def address_create(
    *,
    tenant: Company,
    actor,
    third_party: ThirdParty,
    phones: Iterable[Any] = (),
    emails: Iterable[str] = (),
    **data: Any,
) -> Address:
    """Add an address to ``third_party``; as the default, it demotes the previous default."""
    address = Address(tenant=tenant, third_party=third_party)
    data.setdefault("country", third_party.country)
    warnings = _address_fill(address, data)
    taken = set(Address.objects.filter(tenant=tenant, third_party=third_party).values_list("code", flat=True))
    if not address.code:
        address.code = _next_code(taken)
    elif address.code in taken:
        raise ValidationError(
            {"code": _("Le code adresse %(code)s existe déjà pour ce tiers.") % {"code": address.code}}
        )
    cleaned_phones = _phones_clean(phones, region=_region(address))
    cleaned_emails = _emails_clean(emails)
    if not taken and not address.is_default:
        address.is_default = True  # the first address of a third party is its default
    address.full_clean(exclude=["tenant", "third_party"], validate_constraints=False)
    if address.is_default:
        Address.objects.filter(tenant=tenant, third_party=third_party, is_default=True).update(
            is_default=False
        )
    address.save()
    changes = {name: [None, value] for name, value in audit_snapshot(address, _AUDITED).items()}
    changes.update(
        _phones_emails_write(tenant=tenant, address=address, phones=cleaned_phones, emails=cleaned_emails)
    )
    audit_record(tenant=tenant, actor=actor, action="address.create", instance=address, changes=changes)
    address.warnings = warnings
    return address


@transaction.atomic
def address_update(
    *,
    tenant: Company,
    actor,
    address: Address,
    phones: Iterable[Any] | None = None,
    emails: Iterable[str] | None = None,
    **changes: Any,
) -> Address:
    """Change an address; phones and e-mails are replaced when given."""
    address = Address.objects.select_for_update().select_related("country").get(tenant=tenant, pk=address.pk)
    before = audit_snapshot(address, _AUDITED)
    was_default = address.is_default
    warnings = _address_fill(address, changes)
    if address.code != before["code"]:
        _refuse_if_used(address)
        if (
            Address.objects.filter(tenant=tenant, third_party_id=address.third_party_id, code=address.code)
            .exclude(pk=address.pk)
            .exists()
        ):
            raise ValidationError(
                {"code": _("Le code adresse %(code)s existe déjà pour ce tiers.") % {"code": address.code}}
            )
    if was_default and not address.is_default:
        raise ValidationError({"is_default": message_keep_default()})
    cleaned_phones = _phones_clean(phones, region=_region(address)) if phones is not None else None
    cleaned_emails = _emails_clean(emails) if emails is not None else None
    address.full_clean(exclude=["tenant", "third_party"], validate_constraints=False)
    if address.is_default and not was_default:
        Address.objects.filter(tenant=tenant, third_party_id=address.third_party_id, is_default=True).update(
            is_default=False
        )
    address.save()
    diff = audit_changes(before, audit_snapshot(address, _AUDITED))
    if cleaned_phones is not None or cleaned_emails is not None:
        diff.update(
            _phones_emails_write(
                tenant=tenant,
                address=address,
                phones=cleaned_phones
                if cleaned_phones is not None
                else [(p.kind, p.number, p.digits) for p in address.phones.all()],
                emails=cleaned_emails
                if cleaned_emails is not None
                else [e.email for e in address.emails.all()],
            )
        )
    if diff:
        audit_record(tenant=tenant, actor=actor, action="address.update", instance=address, changes=diff)
    address.warnings = warnings
    return address


def _refuse_if_used(address: Address, *, field: str = "code") -> None:
    users = address_usage(address)
    if users:
        raise ValidationError({field: message_code_used(users)})


@transaction.atomic
def address_delete(*, tenant: Company, actor, address: Address) -> None:
    """Delete a non-default address that nothing uses."""
    address = Address.objects.select_for_update().get(tenant=tenant, pk=address.pk)
    _refuse_if_used(address, field="__all__")
    if address.is_default:
        others = Address.objects.filter(tenant=tenant, third_party_id=address.third_party_id).exclude(
            pk=address.pk
        )
        raise ValidationError(message_keep_default() if others.exists() else message_no_address())
    snapshot = audit_snapshot(address, _AUDITED)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="address.delete",
        instance=address,
        changes={name: [value, None] for name, value in snapshot.items()},
    )
    address.delete()


@transaction.atomic
def addresses_save(
    *,
    tenant: Company,
    actor,
    third_party: ThirdParty,
    addresses: Sequence[dict[str, Any]],
    delete: Iterable[int] = (),
) -> list[Address]:
    """Save the whole address list of a third party at once (the addresses page): ``addresses``
    are dicts of address fields plus ``phones``/``emails`` and, for an existing one, ``pk``;
    ``delete`` lists the pks to remove. The rules are checked on the final list, so moving the
    default from one address to another, or swapping two codes, is one consistent change.
    """
    existing = {
        address.pk: address
        for address in Address.objects.select_for_update()
        .filter(tenant=tenant, third_party=third_party)
        .select_related("country")
    }
    delete = {int(pk) for pk in delete}
    unknown = (delete | {int(item["pk"]) for item in addresses if item.get("pk")}) - set(existing)
    if unknown:
        raise ValidationError(message_address_unknown())
    kept = [dict(item) for item in addresses if not item.get("pk") or int(item["pk"]) not in delete]
    addresses_defaults_check(kept)
    errors: list[str] = []

    planned: list[tuple[Address, dict, list, list, dict | None]] = []
    for index, item in enumerate(kept, start=1):
        data = {key: value for key, value in item.items() if key in ADDRESS_FIELDS}
        address = (
            existing[int(item["pk"])] if item.get("pk") else Address(tenant=tenant, third_party=third_party)
        )
        before = audit_snapshot(address, _AUDITED) if address.pk else None
        data.setdefault("country", address.country if address.country_id else third_party.country)
        try:
            warnings = _address_fill(address, data)
            phones = _phones_clean(item.get("phones") or (), region=_region(address))
            emails = _emails_clean(item.get("emails") or ())
            if before is not None and address.code != before["code"]:
                _refuse_if_used(address)
        except ValidationError as exc:
            errors += [
                _("Adresse n° %(index)s : %(message)s") % {"index": index, "message": m} for m in exc.messages
            ]
            continue
        address.warnings = warnings
        planned.append((address, data, phones, emails, before))
    for pk in sorted(delete):
        users = address_usage(existing[pk])
        if users:
            errors.append(
                _("Adresse %(code)s : %(message)s")
                % {"code": existing[pk].code, "message": message_code_used(users)}
            )
    if errors:
        raise ValidationError({"addresses": errors})

    taken = {address.code for address, *_rest in planned if address.code}
    codes_seen: set[str] = set()
    for address, *_rest in planned:
        if not address.code:
            address.code = _next_code(taken | codes_seen)
        if address.code in codes_seen:
            raise ValidationError(
                {"addresses": _("Le code adresse %(code)s est utilisé deux fois.") % {"code": address.code}}
            )
        codes_seen.add(address.code)

    # Deletions first, then clear the default and the codes that change, so that the partial
    # unique index and the code constraint only ever see the final state.
    for pk in sorted(delete):
        address_row = existing[pk]
        audit_record(
            tenant=tenant,
            actor=actor,
            action="address.delete",
            instance=address_row,
            changes={name: [value, None] for name, value in audit_snapshot(address_row, _AUDITED).items()},
        )
        address_row.delete()
    Address.objects.filter(tenant=tenant, third_party=third_party, is_default=True).update(is_default=False)
    for address, _data, _phones, _emails, before in planned:
        if before is not None and address.code != before["code"]:
            Address.objects.filter(pk=address.pk).update(code=f"~{address.pk}"[:10])

    saved = []
    for address, _data, phones, emails, before in planned:
        address.full_clean(exclude=["tenant", "third_party"], validate_constraints=False)
        address.save()
        diff = (
            audit_changes(before, audit_snapshot(address, _AUDITED))
            if before is not None
            else {name: [None, value] for name, value in audit_snapshot(address, _AUDITED).items()}
        )
        diff.update(_phones_emails_write(tenant=tenant, address=address, phones=phones, emails=emails))
        if diff:
            audit_record(
                tenant=tenant,
                actor=actor,
                action="address.update" if before is not None else "address.create",
                instance=address,
                changes=diff,
            )
        saved.append(address)
    return saved


def message_address_unknown() -> str:
    return _("Adresse inconnue pour ce tiers.")


def addresses_defaults_check(items: Sequence[dict[str, Any]]) -> None:
    """At least one address, exactly one default; a lone address becomes the default."""
    if not items:
        raise ValidationError({"addresses": message_no_address()})
    defaults = sum(1 for item in items if item.get("is_default"))
    if defaults == 0 and len(items) == 1:
        items[0]["is_default"] = True
        return
    if defaults == 0:
        raise ValidationError({"addresses": message_no_default()})
    if defaults > 1:
        raise ValidationError({"addresses": message_two_defaults()})
