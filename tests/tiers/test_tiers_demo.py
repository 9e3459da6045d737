"""The tiers step of the demo data (small scale): sizes, valid identifiers, special customers."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db.models import Count
from django_scopes import scope, scopes_disabled
from stdnum import iban as stdnum_iban
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva

from crm.demo import SIZES, demo_run
from crm.models import Company, Counter
from tiers.demo import PLACES
from tiers.models import (
    Address,
    BankAccount,
    Contact,
    ContactLink,
    Lifecycle,
    PostalCode,
    SegmentValue,
    Site,
    Tag,
    ThirdParty,
    ThirdPartyAllowedUser,
    ThirdPartyVisibility,
)

SMALL = SIZES["small"]


@pytest.fixture
def seeded(db):
    demo_run(scale="small", out=lambda _line: None)
    return list(Company.objects.filter(code__in=["durand", "martin"]).order_by("code"))


def _tiers_row_counts() -> dict[str, int]:
    # Counting every tenant's rows at once is the point: no scope filter replaces it.
    with scopes_disabled():
        return {
            model._meta.label: model.objects.count() for model in apps.get_app_config("tiers").get_models()
        }


def test_demo_creates_the_scale_tables_population_per_company(seeded):
    for company in seeded:
        with scope(tenant=company):
            assert ThirdParty.objects.filter(tenant=company).count() == SMALL["third_parties"]
            assert Contact.objects.filter(tenant=company).count() == SMALL["contacts"]
            lifecycles = set(ThirdParty.objects.filter(tenant=company).values_list("lifecycle", flat=True))
            assert lifecycles == {choice.value for choice in Lifecycle}
            assert SegmentValue.objects.filter(tenant=company, kind="contact_function").exists()
            assert Tag.objects.filter(tenant=company).exists()


def test_demo_identifiers_are_valid(seeded):
    with scope(tenant=seeded[0]):
        third_parties = list(ThirdParty.objects.filter(tenant=seeded[0]))
        ibans = list(BankAccount.objects.filter(tenant=seeded[0]).values_list("iban", flat=True))

    assert ibans
    for record in third_parties:
        assert stdnum_siren.is_valid(record.siren), record.siren
        assert stdnum_siret.is_valid(record.siret), record.siret
        assert record.siret.startswith(record.siren)
        assert stdnum_tva.is_valid(record.vat_number), record.vat_number
        assert record.vat_number[4:] == record.siren
    for iban in ibans:
        assert stdnum_iban.is_valid(iban), iban
        assert iban.startswith("FR")


def test_demo_names_are_french_with_accents(seeded):
    with scope(tenant=seeded[0]):
        names = list(ThirdParty.objects.filter(tenant=seeded[0]).values_list("name", "name_search"))

    assert any(name != name.encode("ascii", "ignore").decode() for name, _search in names)
    assert all(search and search.isascii() and search == search.lower() for _name, search in names)


def test_demo_customers_have_one_main_site_with_gps_in_france_and_1_to_5_contacts(seeded):
    company = seeded[0]
    with scope(tenant=company):
        customers = ThirdParty.objects.filter(tenant=company, lifecycle=Lifecycle.CUSTOMER).annotate(
            contact_count=Count("contact_links", distinct=True)
        )
        main_sites = {site.third_party_id: site for site in Site.objects.filter(tenant=company, is_main=True)}
        for customer in customers:
            site = main_sites[customer.pk]
            assert 41 < site.latitude < 51.5 and -5.5 < site.longitude < 10
            assert 1 <= customer.contact_count <= 6  # up to 5 of its own, plus shared ones
        assert Site.objects.filter(tenant=company).count() > customers.count()


def test_demo_addresses_use_real_postal_code_city_pairs(seeded):
    with scope(tenant=seeded[0]):
        pairs = set(Address.objects.filter(tenant=seeded[0]).values_list("postal_code", "city"))
    known = set(PostalCode.objects.values_list("postal_code", "city")) or {
        (code, city) for code, city, *_rest in PLACES
    }

    assert pairs <= {(code, city.upper()) for code, city in known}


def test_demo_has_a_contact_shared_by_two_customers(seeded):
    with scope(tenant=seeded[0]):
        shared = (
            ContactLink.objects.filter(tenant=seeded[0], third_party__lifecycle=Lifecycle.CUSTOMER)
            .values("contact")
            .annotate(customers=Count("third_party", distinct=True))
            .filter(customers__gte=2)
        )

        assert shared.exists()


def test_demo_has_a_closed_customer_and_one_reserved_to_the_manager(seeded):
    company = seeded[0]
    with scope(tenant=company):
        closed = ThirdParty.objects.get(tenant=company, is_closed=True)
        reserved = ThirdParty.objects.get(tenant=company, is_reserved=True)
        allowed = list(
            ThirdPartyAllowedUser.objects.filter(third_party=reserved).values_list(
                "user__username", flat=True
            )
        )
        visibility = {row.third_party_id: row for row in ThirdPartyVisibility.objects.filter(tenant=company)}

    assert closed.lifecycle == reserved.lifecycle == Lifecycle.CUSTOMER
    assert allowed == [f"manager.{company.code}"]
    assert visibility[closed.pk].is_closed and not visibility[closed.pk].is_reserved
    assert visibility[reserved.pk].is_reserved
    assert len(visibility) == SMALL["third_parties"]


def test_demo_moves_the_code_counters_past_the_demo_codes(seeded):
    with scope(tenant=seeded[0]):
        counters = dict(Counter.objects.filter(tenant=seeded[0]).values_list("key", "value"))

    assert counters["tiers"] == SMALL["third_parties"]
    assert counters["contacts"] == SMALL["contacts"]


def test_demo_second_run_adds_no_tiers_row(seeded):
    before = _tiers_row_counts()

    demo_run(scale="small", out=lambda _line: None)

    assert _tiers_row_counts() == before
