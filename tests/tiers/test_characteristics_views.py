"""The "Caractéristiques" section of the third party's page and its edit page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from tests.factories import member
from tests.tiers.factories_characteristics import (
    CharacteristicFieldFactory,
    CharacteristicGroupFactory,
    fields_of_every_kind,
)
from tests.tiers.factories_lists import third_party
from tests.tiers.factories_sites_banks import reserved_customer
from tiers.models import CharacteristicValue
from tiers.models.characteristics import FieldKind
from tiers.services.characteristics import characteristic_key, characteristic_values_set


@pytest.fixture
def commercial(tenant):
    return member(tenant, "Commercial")


@pytest.fixture
def record(tenant):
    return third_party(tenant, "Client Caractérisé")


def _edit(record) -> str:
    return f"/tiers/{record.pk}/caracteristiques/"


def test_section_shows_groups_fields_and_values(tenant, commercial, login, record):
    fields = fields_of_every_kind(tenant)
    with scope(tenant=tenant):
        characteristic_values_set(
            tenant=tenant,
            actor=None,
            record=record,
            target="third_party",
            values={fields["number"].pk: "3", fields["choice"].pk: "Canon"},
        )

    content = login(commercial).get(f"/tiers/{record.pk}/").content.decode()

    assert "Caractéristiques" in content and "Parc installé" in content
    assert "<dt>Nombre de copieurs</dt><dd>3</dd>" in content
    assert "<dt>Marque principale</dt><dd>Canon</dd>" in content
    assert "<dt>Remarque</dt><dd>—</dd>" in content
    assert f'href="{_edit(record)}"' in content


def test_section_without_groups_says_so(tenant, commercial, login, record):
    content = login(commercial).get(f"/tiers/{record.pk}/").content.decode()

    assert "Aucune caractéristique n'est définie pour les tiers." in content


def test_detail_query_count_is_the_same_for_few_and_many_fields(
    tenant, commercial, login, record, django_assert_num_queries
):
    client = login(commercial)
    small = CharacteristicGroupFactory(tenant=tenant)
    field = CharacteristicFieldFactory(tenant=tenant, group=small, kind=FieldKind.NUMBER)
    with scope(tenant=tenant):
        characteristic_values_set(
            tenant=tenant, actor=None, record=record, target="third_party", values={field.pk: "1"}
        )
    client.get(f"/tiers/{record.pk}/")  # warm the content-type and permission caches
    with CaptureQueriesContext(connection) as few:
        client.get(f"/tiers/{record.pk}/")
    for _index in range(3):
        group = CharacteristicGroupFactory(tenant=tenant)
        for _field in range(5):
            extra = CharacteristicFieldFactory(tenant=tenant, group=group, kind=FieldKind.DATE)
            with scope(tenant=tenant):
                characteristic_values_set(
                    tenant=tenant,
                    actor=None,
                    record=record,
                    target="third_party",
                    values={extra.pk: "01/02/2026"},
                )

    with django_assert_num_queries(len(few)):
        response = client.get(f"/tiers/{record.pk}/")

    assert response.content.decode().count("<dd>01/02/2026</dd>") == 15
    # The section itself: the fields with their groups, then the record's values.
    ours = [query["sql"] for query in few.captured_queries if '"tiers_characteristic' in query["sql"]]
    assert len(ours) == 2


def test_edit_page_shows_a_fieldset_per_group(tenant, commercial, login, record):
    fields_of_every_kind(tenant)

    response = login(commercial).get(_edit(record))

    content = response.content.decode()
    assert response.status_code == 200
    assert "<legend>Parc installé</legend>" in content
    assert 'type="date"' in content and "Nombre de copieurs" in content


def test_edit_saves_the_values_and_redirects(tenant, commercial, login, record):
    fields = fields_of_every_kind(tenant)
    data = {characteristic_key(fields["number"]): "4,5", characteristic_key(fields["boolean"]): "false"}

    response = login(commercial).post(_edit(record), data)

    assert response.status_code == 302 and response.url == f"/tiers/{record.pk}/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Les caractéristiques sont enregistrées."
    ]
    with scope(tenant=tenant):
        values = {row.field_id: row for row in CharacteristicValue.objects.filter(object_id=record.pk)}
    assert values[fields["number"].pk].value_number == Decimal("4.5")
    assert values[fields["boolean"].pk].value_bool is False


def test_edit_refused_shows_the_messages_and_writes_nothing(tenant, commercial, login, record):
    fields = fields_of_every_kind(tenant, required=True)
    data = {characteristic_key(fields["number"]): "beaucoup", characteristic_key(fields["choice"]): "Xerox"}

    response = login(commercial).post(_edit(record), data)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Saisissez un nombre." in content
    assert "Valeur hors de la liste proposée." in content
    assert "Ce champ est obligatoire." in content
    with scope(tenant=tenant):
        assert not CharacteristicValue.objects.filter(object_id=record.pk).exists()


def test_edit_refused_to_a_technicien_who_only_views(tenant, login, record):
    technicien = member(tenant, "Technicien")
    client = login(technicien)

    refused = client.get(_edit(record))
    page = client.get(f"/tiers/{record.pk}/").content.decode()

    assert refused.status_code == 403
    assert "Caractéristiques" in page and f'href="{_edit(record)}"' not in page


def test_edit_of_another_tenants_third_party_is_404(tenant, other_tenant, login, record):
    CharacteristicFieldFactory(tenant=tenant)

    response = login(member(other_tenant, "Administrateur")).get(_edit(record))

    assert response.status_code == 404


def test_edit_of_a_third_party_reserved_to_others_is_404(tenant, commercial, login):
    hidden = reserved_customer(tenant)

    assert login(commercial).get(_edit(hidden)).status_code == 404


def test_edit_never_shows_another_tenants_fields(tenant, other_tenant, commercial, login, record):
    CharacteristicFieldFactory(tenant=other_tenant, label="Champ étranger")

    content = login(commercial).get(_edit(record)).content.decode()

    assert "Champ étranger" not in content
