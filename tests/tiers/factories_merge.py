"""Builders of the merge tests: two customers of one company that both have address 001, a main
site, a default contact and a default bank account, plus what is shared between them."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django_scopes import scope

from tests.tiers.factories import (
    AddressFactory,
    BankAccountFactory,
    ContactFactory,
    ContactLinkFactory,
    SiteFactory,
)
from tests.tiers.factories_characteristics import CharacteristicFieldFactory
from tests.tiers.factories_links import FiliationLinkFactory, ManagementLinkFactory, RelationFactory, types
from tests.tiers.factories_sites_banks import IBAN_FR, IBAN_FR_2, CustomerFactory, ShipToFactory
from tiers import models as tiers


@dataclass
class MergeCase:
    survivor: tiers.ThirdParty
    loser: tiers.ThirdParty
    billed: tiers.ThirdParty  # a third party whose bill-to is the loser
    loser_001: tiers.Address
    loser_002: tiers.Address


def merge_case(tenant, *, extra_sites: int = 0) -> MergeCase:
    """Survivor S and loser L, each with address 001 (default), a main site, a default contact and a
    default bank account. L also has address 002 with a ship-to and ``extra_sites`` more sites.
    Shared: one contact linked to both, tag "VIP" on both, characteristic "Remarque" on both, a
    management link S → L. Elsewhere: C billed to L, a filiation L → P (partner), a relation from a
    contact to L, characteristic "Copieurs" on L only, tag "Salon" on L only."""
    survivor = CustomerFactory(tenant=tenant, code="SURV", name="Bureautique Lyonnaise")
    loser = CustomerFactory(
        tenant=tenant,
        code="PERD",
        name="Bureautique Lyonnaise (doublon)",
        siren="732829320",
        accounting_code="411PERD",
    )
    with scope(tenant=tenant):
        survivor_001 = AddressFactory(third_party=survivor, tenant=tenant, code="001")
        loser_001 = AddressFactory(third_party=loser, tenant=tenant, code="001", city="VILLEURBANNE")
        loser_002 = AddressFactory(third_party=loser, tenant=tenant, code="002", is_default=False)
        for party, address in ((survivor, survivor_001), (loser, loser_001)):
            SiteFactory(third_party=party, tenant=tenant, address=address, name="Siège", is_main=True)
            ContactLinkFactory(third_party=party, tenant=tenant, is_default=True)
        for index in range(extra_sites):
            SiteFactory(
                third_party=loser, tenant=tenant, address=loser_002, name=f"Dépôt {index}", is_main=False
            )
        BankAccountFactory(third_party=survivor, tenant=tenant, address=survivor_001, iban=IBAN_FR)
        BankAccountFactory(third_party=loser, tenant=tenant, address=loser_001, iban=IBAN_FR_2)
        ShipToFactory(third_party=loser, tenant=tenant, address=loser_002)
        shared = ContactFactory(tenant=tenant, last_name="Partagé")
        for party in (survivor, loser):
            ContactLinkFactory(third_party=party, tenant=tenant, contact=shared, is_default=False)
        vip = tiers.Tag.objects.create(tenant=tenant, label="VIP")
        fair = tiers.Tag.objects.create(tenant=tenant, label="Salon")
        tiers.ThirdPartyTag.objects.bulk_create(
            [
                tiers.ThirdPartyTag(tenant=tenant, third_party=survivor, tag=vip),
                tiers.ThirdPartyTag(tenant=tenant, third_party=loser, tag=vip),
                tiers.ThirdPartyTag(tenant=tenant, third_party=loser, tag=fair),
            ]
        )
        ManagementLinkFactory(tenant=tenant, third_party=survivor, linked=loser)
        FiliationLinkFactory(
            tenant=tenant,
            third_party=loser,
            linked=CustomerFactory(tenant=tenant),
            link_type=types(tenant)["fil:PARTENAIRE"],
        )
        RelationFactory(
            tenant=tenant,
            source_third_party=None,
            source_contact=ContactFactory(tenant=tenant),
            target=loser,
        )
        remark = CharacteristicFieldFactory(group__tenant=tenant, label="Remarque")
        copiers = CharacteristicFieldFactory(tenant=tenant, label="Copieurs", group=remark.group)
        content_type = ContentType.objects.get_for_model(tiers.ThirdParty)
        tiers.CharacteristicValue.objects.bulk_create(
            [
                tiers.CharacteristicValue(
                    tenant=tenant,
                    field=remark,
                    content_type=content_type,
                    object_id=survivor.pk,
                    value_text="Garde",
                ),
                tiers.CharacteristicValue(
                    tenant=tenant,
                    field=remark,
                    content_type=content_type,
                    object_id=loser.pk,
                    value_text="Perd",
                ),
                tiers.CharacteristicValue(
                    tenant=tenant,
                    field=copiers,
                    content_type=content_type,
                    object_id=loser.pk,
                    value_text="3",
                ),
            ]
        )
    billed = CustomerFactory(tenant=tenant, code="FACT", bill_to=loser)
    return MergeCase(survivor=survivor, loser=loser, billed=billed, loser_001=loser_001, loser_002=loser_002)


# Rows the merge of ``merge_case`` drops, by table: the shared contact's link, tag VIP, the
# management link between the two (a self link now), characteristic "Remarque" (the survivor's
# value wins), the loser's visibility row, and the loser itself.
DROPPED = {
    "tiers.ContactLink": 1,
    "tiers.ThirdPartyTag": 1,
    "tiers.ManagementLink": 1,
    "tiers.CharacteristicValue": 1,
    "tiers.ThirdPartyVisibility": 1,
    "tiers.ThirdParty": 1,
}


def row_counts(tenant) -> dict[str, int]:
    """Rows per table of the tenant, for every tiers model (the related ones and the rest)."""
    with scope(tenant=tenant):
        return {
            model._meta.label: model.objects.filter(tenant=tenant).count()
            for model in apps.get_app_config("tiers").get_models()
            if any(f.name == "tenant" for f in model._meta.concrete_fields)
        }
