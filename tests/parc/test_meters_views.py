"""The readings page, adding and deleting a reading (parc/views/meters.py)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django_scopes import scope

from parc.models import MeterReading, MonthlyVolume
from tests.factories import member
from tests.parc.factories_assets import AssetFactory
from tests.parc.factories_meters import MeterReadingFactory, MeterTypeFactory
from tests.queries import REQUEST_QUERIES
from tests.tiers.factories_sites_banks import reserved_customer

D = datetime.date


@pytest.fixture
def technician(tenant):
    return member(tenant, "Technicien")


@pytest.fixture
def asset(tenant):
    return AssetFactory(tenant=tenant)


def _history(asset, months: int) -> None:
    with scope(tenant=asset.tenant):
        black = MeterTypeFactory(tenant=asset.tenant, code="NOIR")
        colour = MeterTypeFactory(tenant=asset.tenant, code="COULEUR", position=2)
        today = datetime.date.today()
        for month in range(months):
            read_on = (today.replace(day=1) - datetime.timedelta(days=30 * month)).replace(day=5)
            for meter_type in (black, colour):
                MeterReadingFactory(asset=asset, meter_type=meter_type, read_on=read_on, value=10_000 - month)
            MonthlyVolume.objects.create(
                tenant=asset.tenant,
                asset=asset,
                customer=asset.customer,
                meter_type=black,
                month=read_on.replace(day=1),
                value=None if month == 0 else 1500,
                reason="Moins de deux relevés sur la période" if month == 0 else "",
            )


@pytest.mark.parametrize("months", [1, 12])
def test_asset_readings_page_query_count_does_not_grow(
    login, technician, asset, months, django_assert_num_queries
):
    _history(asset, months)
    client = login(technician)
    url = reverse("parc:asset_readings", kwargs={"pk": asset.pk})
    client.get(url)  # warm the session and permission caches

    with django_assert_num_queries(REQUEST_QUERIES + 14):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["readings"]) == 2 * months


def test_asset_readings_page_shows_missing_vmm_with_its_reason(login, technician, asset):
    _history(asset, 2)

    response = login(technician).get(reverse("parc:asset_readings", kwargs={"pk": asset.pk}))

    assert '— <span class="muted">(Moins de deux relevés sur la période)</span>' in response.content.decode()


def test_asset_readings_page_hides_reserved_customer(login, tenant, technician):
    with scope(tenant=tenant):
        asset = AssetFactory(tenant=tenant, customer=reserved_customer(tenant))

    response = login(technician).get(reverse("parc:asset_readings", kwargs={"pk": asset.pk}))

    assert response.status_code == 404


def test_asset_readings_page_other_tenant_is_404(login, other_tenant, asset):
    response = login(member(other_tenant, "Administrateur")).get(
        reverse("parc:asset_readings", kwargs={"pk": asset.pk})
    )

    assert response.status_code == 404


def test_reading_create_accepted(login, technician, asset):
    with scope(tenant=asset.tenant):
        black = MeterTypeFactory(tenant=asset.tenant)
    url = reverse("parc:reading_create", kwargs={"pk": asset.pk})

    response = login(technician).post(
        url, {"meter_type": black.pk, "read_on": "2025-01-05", "value": "1234", "source": "technician"}
    )

    assert response.status_code == 302
    assert response.url == reverse("parc:asset_readings", kwargs={"pk": asset.pk})
    with scope(tenant=asset.tenant):
        assert MeterReading.objects.get(asset=asset).value == 1234


def test_reading_create_refused_below_previous_shows_the_message(login, technician, asset):
    with scope(tenant=asset.tenant):
        reading = MeterReadingFactory(asset=asset, read_on=D(2025, 1, 5), value=2000)
    url = reverse("parc:reading_create", kwargs={"pk": asset.pk})

    response = login(technician).post(
        url,
        {"meter_type": reading.meter_type_id, "read_on": "2025-02-05", "value": "1500", "source": "manual"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["value"] == [
        "La valeur est inférieure au relevé précédent du 05/01/2025 (2000). "
        "Cochez « remplacement du compteur » si le compteur a été changé."
    ]


def test_reading_create_refused_to_a_sales_rep(login, tenant, asset):
    response = login(member(tenant, "Commercial")).get(
        reverse("parc:reading_create", kwargs={"pk": asset.pk})
    )

    assert response.status_code == 403


def test_reading_delete_after_confirmation(login, tenant, asset):
    with scope(tenant=asset.tenant):
        reading = MeterReadingFactory(asset=asset)
    client = login(member(tenant, "Manager"))
    url = reverse("parc:reading_delete", kwargs={"pk": reading.pk})

    confirm = client.get(url)
    response = client.post(url)

    assert "Supprimer définitivement le relevé" in confirm.content.decode()
    assert response.status_code == 302
    with scope(tenant=asset.tenant):
        assert not MeterReading.objects.filter(pk=reading.pk).exists()


def test_reading_delete_refused_to_a_technician(login, technician, asset):
    with scope(tenant=asset.tenant):
        reading = MeterReadingFactory(asset=asset)

    response = login(technician).post(reverse("parc:reading_delete", kwargs={"pk": reading.pk}))

    assert response.status_code == 403
    with scope(tenant=asset.tenant):
        assert MeterReading.objects.filter(pk=reading.pk).exists()
