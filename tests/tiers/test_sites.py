"""Sites (tiers.services.sites): address of the same third party, GPS, business lines with their
rep, exactly one main site."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django_scopes import scope

from crm.models import AuditEntry
from tests.factories import BusinessLineFactory, UserFactory, member
from tests.tiers.factories import SiteFactory
from tests.tiers.factories_sites_banks import customer_with_address
from tiers.models import Site, SiteBusinessLine
from tiers.services.sites import BusinessLineRep, site_create, site_delete, site_update

KEEP_MAIN = (
    "Un tiers doit garder un site principal : désignez un autre site comme site principal, il "
    "remplacera celui-ci."
)
DELETE_MAIN = (
    "Le site principal ne peut pas être supprimé tant que le tiers a d'autres sites : désignez "
    "d'abord un autre site principal."
)
GPS_INCOMPLETE = "Renseignez la latitude et la longitude, ou aucune des deux."


@pytest.fixture
def customer(tenant):
    return customer_with_address(tenant)


@pytest.fixture
def actor(tenant):
    return member(tenant, "Commercial")


def _create(tenant, actor, third_party, address, **fields):
    values = {"name": "Siège", "address": address}
    values.update(fields)
    with scope(tenant=tenant):
        return site_create(tenant=tenant, actor=actor, third_party=third_party, **values)


def test_first_site_becomes_the_main_site(tenant, actor, customer):
    third_party, address = customer

    site = _create(tenant, actor, third_party, address, is_main=False)

    assert site.is_main
    with scope(tenant=tenant):
        entry = AuditEntry.objects.get(action="site.create")
    assert entry.changes["name"] == [None, "Siège"]


def test_site_accepted_with_gps_in_range(tenant, actor, customer):
    third_party, address = customer

    site = _create(
        tenant, actor, third_party, address, latitude=Decimal("45.764043"), longitude=Decimal("4.835659")
    )

    with scope(tenant=tenant):
        site.refresh_from_db()
    assert (site.latitude, site.longitude) == (Decimal("45.764043"), Decimal("4.835659"))


def test_site_refused_with_another_third_partys_address(tenant, actor, customer):
    third_party, _address = customer
    _other, foreign = customer_with_address(tenant)

    with pytest.raises(ValidationError) as error:
        _create(tenant, actor, third_party, foreign)

    assert error.value.message_dict == {"address": ["Cette adresse n'appartient pas à ce tiers."]}


def test_site_refused_without_a_name(tenant, actor, customer):
    third_party, address = customer

    with pytest.raises(ValidationError) as error:
        _create(tenant, actor, third_party, address, name="  ")

    assert error.value.message_dict == {"name": ["Le nom du site est obligatoire."]}


def test_site_refused_with_latitude_only(tenant, actor, customer):
    third_party, address = customer

    with pytest.raises(ValidationError) as error:
        _create(tenant, actor, third_party, address, latitude=Decimal("45"))

    assert error.value.message_dict == {"longitude": [GPS_INCOMPLETE]}


def test_site_refused_with_longitude_only(tenant, actor, customer):
    third_party, address = customer

    with pytest.raises(ValidationError) as error:
        _create(tenant, actor, third_party, address, longitude=Decimal("4"))

    assert error.value.message_dict == {"latitude": [GPS_INCOMPLETE]}


@pytest.mark.parametrize(
    ("latitude", "longitude", "errors"),
    [
        ("90.5", "4", {"latitude": ["La latitude doit être comprise entre -90 et 90."]}),
        ("-91", "4", {"latitude": ["La latitude doit être comprise entre -90 et 90."]}),
        ("45", "180.1", {"longitude": ["La longitude doit être comprise entre -180 et 180."]}),
        ("45", "-200", {"longitude": ["La longitude doit être comprise entre -180 et 180."]}),
    ],
)
def test_site_refused_with_gps_out_of_range(tenant, actor, customer, latitude, longitude, errors):
    third_party, address = customer

    with pytest.raises(ValidationError) as error:
        _create(tenant, actor, third_party, address, latitude=Decimal(latitude), longitude=Decimal(longitude))

    assert error.value.message_dict == errors


@pytest.mark.parametrize(("latitude", "longitude"), [("90", "180"), ("-90", "-180"), ("0", "0")])
def test_site_accepted_with_gps_on_the_bounds(tenant, actor, customer, latitude, longitude):
    third_party, address = customer

    site = _create(
        tenant, actor, third_party, address, latitude=Decimal(latitude), longitude=Decimal(longitude)
    )

    assert site.has_gps


def test_site_business_lines_with_their_rep(tenant, actor, customer):
    third_party, address = customer
    printing, it = BusinessLineFactory(tenant=tenant, name="Impression"), BusinessLineFactory(tenant=tenant)
    rep = member(tenant, "Commercial")

    site = _create(
        tenant,
        actor,
        third_party,
        address,
        business_lines=[BusinessLineRep(business_line=printing, rep=rep), BusinessLineRep(business_line=it)],
    )

    with scope(tenant=tenant):
        links = {link.business_line_id: link.rep_id for link in SiteBusinessLine.objects.filter(site=site)}
    assert links == {printing.pk: rep.pk, it.pk: None}


def test_site_rep_refused_when_not_a_member_of_the_company(tenant, other_tenant, actor, customer):
    third_party, address = customer
    line = BusinessLineFactory(tenant=tenant)
    outsider = member(other_tenant, "Commercial", first_name="Paul", last_name="Martin")

    with pytest.raises(ValidationError) as error:
        _create(
            tenant,
            actor,
            third_party,
            address,
            business_lines=[BusinessLineRep(business_line=line, rep=outsider)],
        )

    assert error.value.message_dict == {
        "business_lines": ["Paul Martin n'est pas membre de la société : il ne peut pas suivre ce site."]
    }


def test_site_rep_refused_when_without_any_membership(tenant, actor, customer):
    third_party, address = customer
    line = BusinessLineFactory(tenant=tenant)
    nobody = UserFactory(first_name="", last_name="", username="sans-societe")

    with pytest.raises(ValidationError) as error:
        _create(
            tenant,
            actor,
            third_party,
            address,
            business_lines=[BusinessLineRep(business_line=line, rep=nobody)],
        )

    assert error.value.message_dict == {
        "business_lines": ["sans-societe n'est pas membre de la société : il ne peut pas suivre ce site."]
    }


def test_site_refused_with_the_same_business_line_twice(tenant, actor, customer):
    third_party, address = customer
    line = BusinessLineFactory(tenant=tenant, name="Téléphonie")

    with pytest.raises(ValidationError) as error:
        _create(
            tenant,
            actor,
            third_party,
            address,
            business_lines=[BusinessLineRep(business_line=line), BusinessLineRep(business_line=line)],
        )

    assert error.value.message_dict == {
        "business_lines": ["L'activité Téléphonie figure deux fois sur ce site."]
    }


def test_second_site_is_not_main_unless_asked(tenant, actor, customer):
    third_party, address = customer
    first = _create(tenant, actor, third_party, address)

    second = _create(tenant, actor, third_party, address, name="Dépôt")

    with scope(tenant=tenant):
        first.refresh_from_db()
    assert first.is_main and not second.is_main


def test_new_main_site_demotes_the_previous_one(tenant, actor, customer):
    third_party, address = customer
    first = _create(tenant, actor, third_party, address)

    second = _create(tenant, actor, third_party, address, name="Dépôt", is_main=True)

    with scope(tenant=tenant):
        first.refresh_from_db()
        mains = list(Site.objects.filter(third_party=third_party, is_main=True))
    assert mains == [second]
    assert not first.is_main


def test_update_making_a_site_main_demotes_the_previous_one(tenant, actor, customer):
    third_party, address = customer
    first = _create(tenant, actor, third_party, address)
    second = _create(tenant, actor, third_party, address, name="Dépôt")

    with scope(tenant=tenant):
        site_update(tenant=tenant, actor=actor, site=second, is_main=True)
        first.refresh_from_db()
        second.refresh_from_db()

    assert second.is_main and not first.is_main


def test_update_refused_when_unmarking_the_main_site(tenant, actor, customer):
    third_party, address = customer
    site = _create(tenant, actor, third_party, address)

    with scope(tenant=tenant), pytest.raises(ValidationError) as error:
        site_update(tenant=tenant, actor=actor, site=site, is_main=False)

    assert error.value.message_dict == {"is_main": [KEEP_MAIN]}


def test_update_changes_name_gps_and_lines_and_audits(tenant, actor, customer):
    third_party, address = customer
    site = _create(tenant, actor, third_party, address)
    line = BusinessLineFactory(tenant=tenant)

    with scope(tenant=tenant):
        site_update(
            tenant=tenant,
            actor=actor,
            site=site,
            name="Siège social",
            latitude=Decimal("48.8566"),
            longitude=Decimal("2.3522"),
            business_lines=[BusinessLineRep(business_line=line, rep=actor)],
        )
        site.refresh_from_db()
        entry = AuditEntry.objects.get(action="site.update")
        links = list(SiteBusinessLine.objects.filter(site=site).values_list("business_line_id", "rep_id"))

    assert site.name == "Siège social"
    assert links == [(line.pk, actor.pk)]
    assert entry.changes["name"] == ["Siège", "Siège social"]
    assert entry.changes["business_lines"] == [[], [[line.pk, actor.pk]]]


def test_update_refused_with_another_third_partys_address(tenant, actor, customer):
    third_party, address = customer
    site = _create(tenant, actor, third_party, address)
    _other, foreign = customer_with_address(tenant)

    with scope(tenant=tenant), pytest.raises(ValidationError) as error:
        site_update(tenant=tenant, actor=actor, site=site, address=foreign)

    assert error.value.message_dict == {"address": ["Cette adresse n'appartient pas à ce tiers."]}


def test_delete_refused_for_the_main_site_while_others_exist(tenant, actor, customer):
    third_party, address = customer
    main = _create(tenant, actor, third_party, address)
    _create(tenant, actor, third_party, address, name="Dépôt")

    with scope(tenant=tenant), pytest.raises(ValidationError) as error:
        site_delete(tenant=tenant, actor=actor, site=main)

    assert error.value.messages == [DELETE_MAIN]


def test_delete_accepted_for_a_secondary_site_and_for_the_last_one(tenant, actor, customer):
    third_party, address = customer
    main = _create(tenant, actor, third_party, address)
    other = _create(tenant, actor, third_party, address, name="Dépôt")

    with scope(tenant=tenant):
        site_delete(tenant=tenant, actor=actor, site=other)
        site_delete(tenant=tenant, actor=actor, site=main)
        remaining = Site.objects.filter(third_party=third_party).count()
        deletions = AuditEntry.objects.filter(action="site.delete").count()

    assert remaining == 0
    assert deletions == 2


def test_database_refuses_two_main_sites(tenant, customer):
    third_party, address = customer
    SiteFactory(third_party=third_party, tenant=tenant, address=address, is_main=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        SiteFactory(third_party=third_party, tenant=tenant, address=address, is_main=True)


def test_main_sites_of_two_third_parties_are_independent(tenant, actor, customer):
    third_party, address = customer
    other, other_address = customer_with_address(tenant)

    first = _create(tenant, actor, third_party, address)
    second = _create(tenant, actor, other, other_address)

    assert first.is_main and second.is_main
