"""What the quick search finds in tiers (registered with core's index, crm.search).

- a third party as "Client" or "Prospect" (by lifecycle): name, short name, acronym, code,
  SIREN/SIRET, postal code and city of its default address, the phones of all its addresses;
- a site: its name, postal code and city (its customer's code and name are matched at query
  time, DESIGN.md §5);
- a contact, once per active link ("DUPONT Jean — ACME"): names, e-mail, phone and mobile.
"""

from __future__ import annotations

from django.db.models import Prefetch

from crm.models import SearchKind
from crm.normalize import phone_display
from crm.search import SearchDocument, reverse_or_none, search_index_refresh_customers, search_registry

from .models import Address, AddressPhone, Contact, ContactLink, Lifecycle, Site, ThirdParty


def _place(address: Address | None) -> str:
    if address is None:
        return ""
    return " ".join(part for part in (address.postal_code, address.city) if part)


def third_party_document(third_party: ThirdParty) -> list[SearchDocument]:
    addresses = list(third_party.addresses.all())
    default = next((address for address in addresses if address.is_default), None)
    kind = SearchKind.CUSTOMER if third_party.lifecycle == Lifecycle.CUSTOMER else SearchKind.PROSPECT
    return [
        SearchDocument(
            kind=kind,
            object_id=third_party.pk,
            customer_id=third_party.pk,
            label=third_party.name,
            sublabel=" · ".join(part for part in (third_party.code, _place(default)) if part),
            words=[third_party.name, third_party.short_name, third_party.acronym, _place(default)],
            codes=[third_party.code, third_party.siren, third_party.siret],
            phones=[phone.digits for address in addresses for phone in address.phones.all()],
        )
    ]


def site_document(site: Site) -> list[SearchDocument]:
    place = _place(site.address)
    return [
        SearchDocument(
            kind=SearchKind.SITE,
            object_id=site.pk,
            customer_id=site.third_party_id,
            label=site.name,
            sublabel=place,
            words=[site.name, place],
        )
    ]


def contact_document(contact: Contact) -> list[SearchDocument]:
    label = str(contact)
    sublabel = phone_display(contact.phone or contact.mobile) or contact.email
    return [
        SearchDocument(
            kind=SearchKind.CONTACT,
            object_id=contact.pk,
            customer_id=link.third_party_id,
            label=label,
            sublabel=sublabel,
            words=[contact.first_name, contact.last_name, contact.email],
            phones=[contact.phone_digits, contact.mobile_digits],
        )
        for link in contact.links.all()
        if link.is_active
    ]


def _address_owner(address: Address) -> list:
    return [address.third_party_id]


def _address_sites(address: Address) -> list:
    return list(
        Site._base_manager.filter(tenant_id=address.tenant_id, address_id=address.pk).values_list(
            "pk", flat=True
        )
    )


def _phone_owner(phone: AddressPhone) -> list:
    return list(
        Address._base_manager.filter(tenant_id=phone.tenant_id, pk=phone.address_id).values_list(
            "third_party_id", flat=True
        )
    )


def _on_merged(*, tenant, survivor_id: int, loser_id: int, **payload) -> None:
    """A merge re-points rows with ``update()`` (no signal): rewrite both customers' rows."""
    search_index_refresh_customers(tenant_id=tenant.pk, customer_ids=[survivor_id, loser_id])


def register() -> None:
    from crm.events import domain_events

    from .merge_hooks import MERGED_EVENT

    search_registry.register(
        (SearchKind.CUSTOMER, SearchKind.PROSPECT),
        ThirdParty,
        document=third_party_document,
        queryset=lambda rows: rows.prefetch_related(
            Prefetch(
                "addresses",
                queryset=Address._base_manager.prefetch_related(
                    Prefetch("phones", queryset=AddressPhone._base_manager.all())
                ),
            )
        ),
        fields={"name", "short_name", "acronym", "code", "siren", "siret", "lifecycle"},
        record_url=lambda pk, customer_id: reverse_or_none("tiers:detail", pk=pk),
    )
    search_registry.register(
        (SearchKind.SITE,),
        Site,
        document=site_document,
        queryset=lambda rows: rows.select_related("address"),
        fields={"name", "address", "third_party"},
        record_url=lambda pk, customer_id: reverse_or_none("tiers:site_update", pk=customer_id, site_pk=pk),
    )
    search_registry.register(
        (SearchKind.CONTACT,),
        Contact,
        document=contact_document,
        queryset=lambda rows: rows.prefetch_related(
            Prefetch("links", queryset=ContactLink._base_manager.all())
        ),
        fields={"first_name", "last_name", "email", "phone", "mobile", "phone_digits", "mobile_digits"},
        record_url=lambda pk, customer_id: reverse_or_none(
            "tiers:contact_detail", pk=customer_id, contact_pk=pk
        ),
    )
    search_registry.register_trigger(Address, ThirdParty, _address_owner)
    search_registry.register_trigger(Address, Site, _address_sites)
    search_registry.register_trigger(AddressPhone, ThirdParty, _phone_owner)
    search_registry.register_trigger(ContactLink, Contact, lambda link: [link.contact_id])
    domain_events.subscribe(MERGED_EVENT, _on_merged)
