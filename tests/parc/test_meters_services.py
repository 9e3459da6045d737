"""Rules of parc.services.meters (reading_add, reading_delete) and parc_reference_ensure."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from crm.models import AuditEntry
from parc.models import ContractType, MeterReading, MeterType
from parc.selectors_meters import reading_neighbours_queryset
from parc.services.meters import reading_add, reading_delete
from parc.services.reference import parc_reference_ensure
from tests.parc.factories_assets import AssetFactory, site_of
from tests.parc.factories_meters import MeterTypeFactory

D = datetime.date
BELOW = (
    "La valeur est inférieure au relevé précédent du {date} ({value}). "
    "Cochez « remplacement du compteur » si le compteur a été changé."
)
ABOVE = "La valeur est supérieure au relevé suivant du {date} ({value}) : un compteur ne peut pas diminuer entre deux relevés."


@pytest.fixture
def asset(in_tenant):
    return AssetFactory(tenant=in_tenant)


@pytest.fixture
def black(in_tenant):
    return MeterTypeFactory(tenant=in_tenant)


def add(asset, meter_type, read_on, value, **flags):
    return reading_add(
        tenant=asset.tenant,
        actor=None,
        asset=asset,
        meter_type=meter_type,
        read_on=read_on,
        value=value,
        source="manual",
        **flags,
    )


def messages_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_reading_add_accepted_copies_the_asset_customer_site_and_business_line(in_tenant, black):
    asset = AssetFactory(tenant=in_tenant)
    asset.site = site_of(asset.customer)
    asset.save()

    reading = add(asset, black, D(2025, 1, 5), 1200)

    assert (reading.customer_id, reading.site_id, reading.business_line_id) == (
        asset.customer_id,
        asset.site_id,
        asset.business_line_id,
    )
    assert AuditEntry.objects.filter(action="meter_reading.create", object_id=str(reading.pk)).exists()


def test_reading_add_refused_below_previous_reading(asset, black):
    add(asset, black, D(2025, 1, 5), 1200)

    with pytest.raises(ValidationError) as excinfo:
        add(asset, black, D(2025, 2, 5), 1100)

    assert messages_of(excinfo) == {"value": [BELOW.format(date="05/01/2025", value=1200)]}


def test_reading_add_accepted_equal_to_previous(asset, black):
    add(asset, black, D(2025, 1, 5), 1200)

    assert add(asset, black, D(2025, 2, 5), 1200).value == 1200


def test_reading_add_below_previous_accepted_as_counter_replacement(asset, black):
    add(asset, black, D(2025, 1, 5), 1200)

    reading = add(asset, black, D(2025, 2, 5), 15, is_replacement=True)

    assert reading.is_replacement


def test_reading_add_back_dated_accepted_between_both_neighbours(asset, black):
    add(asset, black, D(2025, 1, 5), 1000)
    add(asset, black, D(2025, 3, 5), 3000)

    assert add(asset, black, D(2025, 2, 5), 2000).pk


def test_reading_add_back_dated_refused_below_previous(asset, black):
    add(asset, black, D(2025, 1, 5), 1000)
    add(asset, black, D(2025, 3, 5), 3000)

    with pytest.raises(ValidationError) as excinfo:
        add(asset, black, D(2025, 2, 5), 900)

    assert messages_of(excinfo) == {"value": [BELOW.format(date="05/01/2025", value=1000)]}


def test_reading_add_back_dated_refused_above_next(asset, black):
    add(asset, black, D(2025, 1, 5), 1000)
    add(asset, black, D(2025, 3, 5), 3000)

    with pytest.raises(ValidationError) as excinfo:
        add(asset, black, D(2025, 2, 5), 3500)

    assert messages_of(excinfo) == {"value": [ABOVE.format(date="05/03/2025", value=3000)]}


def test_reading_add_back_dated_above_next_accepted_when_next_is_a_replacement(asset, black):
    add(asset, black, D(2025, 1, 5), 1000)
    add(asset, black, D(2025, 3, 5), 10, is_replacement=True)

    assert add(asset, black, D(2025, 2, 5), 1500).value == 1500


def test_reading_add_ignores_estimated_previous_reading(asset, black):
    add(asset, black, D(2025, 1, 5), 1000)
    add(asset, black, D(2025, 2, 5), 5000, is_estimated=True)

    assert add(asset, black, D(2025, 3, 5), 1200).value == 1200


def test_reading_add_ignores_estimated_next_reading(asset, black):
    add(asset, black, D(2025, 1, 5), 1000)
    add(asset, black, D(2025, 3, 5), 1100, is_estimated=True)

    assert add(asset, black, D(2025, 2, 5), 4000).value == 4000


def test_reading_add_neighbours_are_per_meter_type(in_tenant, asset, black):
    colour = MeterTypeFactory(tenant=in_tenant, code="COULEUR")
    add(asset, black, D(2025, 1, 5), 9000)

    assert add(asset, colour, D(2025, 2, 5), 10).value == 10


def test_reading_add_refused_on_a_date_that_already_has_a_reading(asset, black):
    add(asset, black, D(2025, 1, 5), 1000, is_estimated=True)

    with pytest.raises(ValidationError) as excinfo:
        add(asset, black, D(2025, 1, 5), 1000)

    assert messages_of(excinfo) == {
        "read_on": ["Un relevé de ce compteur existe déjà à la date du 05/01/2025."]
    }


def test_reading_add_refused_in_the_future(asset, black):
    with pytest.raises(ValidationError) as excinfo:
        add(asset, black, timezone.localdate() + datetime.timedelta(days=1), 1000)

    assert messages_of(excinfo) == {"read_on": ["La date du relevé ne peut pas être dans le futur."]}


def test_reading_add_accepted_today(asset, black):
    assert add(asset, black, timezone.localdate(), 1000).pk


def test_reading_add_refused_negative(asset, black):
    with pytest.raises(ValidationError) as excinfo:
        add(asset, black, D(2025, 1, 5), -1)

    assert messages_of(excinfo) == {"value": ["La valeur d'un compteur ne peut pas être négative."]}


def test_reading_delete_accepted_and_audited(asset, black):
    add(asset, black, D(2025, 1, 5), 1000)
    reading = add(asset, black, D(2025, 2, 5), 2000)
    pk = reading.pk

    reading_delete(tenant=asset.tenant, actor=None, reading=reading)

    assert not MeterReading.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.filter(action="meter_reading.delete", object_id=str(pk)).exists()


def test_reading_delete_refused_when_removing_a_replacement_breaks_the_meter(asset, black):
    add(asset, black, D(2025, 1, 5), 1000)
    replacement = add(asset, black, D(2025, 2, 5), 10, is_replacement=True)
    add(asset, black, D(2025, 3, 5), 500)

    with pytest.raises(ValidationError) as excinfo:
        reading_delete(tenant=asset.tenant, actor=None, reading=replacement)

    assert excinfo.value.messages == [
        "Ce relevé ne peut pas être supprimé : le relevé du 05/03/2025 (500) deviendrait "
        "inférieur au relevé précédent du 05/01/2025 (1000)."
    ]


def test_parc_reference_ensure_creates_the_defaults_once(in_tenant):
    MeterType.objects.create(tenant=in_tenant, code="NOIR", label="Noir (libellé maison)")

    parc_reference_ensure(in_tenant)
    parc_reference_ensure(in_tenant)

    assert set(MeterType.objects.values_list("code", flat=True)) >= {"NOIR", "COULEUR"}
    assert MeterType.objects.get(code="NOIR").label == "Noir (libellé maison)"
    assert set(ContractType.objects.values_list("label", flat=True)) == {
        "Extension de garantie",
        "Garantie de base constructeur",
        "Location",
        "Maintenance",
    }


def test_reading_neighbour_query_uses_the_scan_index(in_tenant, black):
    assets = [AssetFactory(tenant=in_tenant) for _ in range(5)]
    readings = [
        MeterReading(
            tenant=in_tenant,
            asset=asset,
            customer_id=asset.customer_id,
            meter_type=black,
            read_on=D(2015, 1, 1) + datetime.timedelta(days=day),
            value=day * 10,
            is_estimated=day % 7 == 0,
        )
        for asset in assets
        for day in range(1000)
    ]
    MeterReading.objects.bulk_create(readings, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE parc_meterreading")
    queryset = reading_neighbours_queryset(
        tenant=in_tenant, asset_id=assets[2].pk, meter_type_id=black.pk, read_on=D(2016, 6, 1)
    )

    plan = queryset.explain()
    print(plan)  # shown with -s: the plan measured

    assert "meterreading_scan_idx" in plan
    assert "Index Only Scan" in plan or "Index Scan" in plan
    assert "Seq Scan" not in plan
