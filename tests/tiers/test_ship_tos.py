"""Ship-to rows (clients livrés): tiers.services.ship_tos and the tiers:ship_tos page."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django_scopes import scope

from crm.models import AuditEntry
from tests.factories import member
from tests.queries import REQUEST_QUERIES
from tests.tiers.factories import AddressFactory
from tests.tiers.factories_sites_banks import (
    CarrierFactory,
    CustomerFactory,
    ShipToFactory,
    customer_with_address,
    reserved_customer,
)
from tiers.models import ShipTo
from tiers.services.ship_tos import ship_to_create, ship_to_delete, ship_to_update

UNKNOWN_CODE = "Code adresse inexistant"
WORKING_DAYS = "Jours ouvrés invalides : choisissez parmi les jours du lundi au dimanche."
NOT_A_CARRIER = "Ce tiers n'est pas un transporteur de la société."


@pytest.fixture
def customer(tenant):
    return customer_with_address(tenant)


def _create(tenant, third_party, **fields):
    values = {"address_code": "001"}
    values.update(fields)
    with scope(tenant=tenant):
        return ship_to_create(tenant=tenant, actor=None, third_party=third_party, **values)


# --- Service --------------------------------------------------------------------------------------


def test_ship_to_accepted_with_every_field(tenant, customer):
    third_party, address = customer
    carrier = CarrierFactory(tenant=tenant)

    ship_to = _create(
        tenant,
        third_party,
        lead_time_days=3,
        carrier=carrier,
        incoterm="dap",
        working_days=[5, "1", 1, 3],
        picking_note=" Fragile ",
        delivery_note="Quai n° 2",
        vat_number="fr 40 303 265 045",
    )

    with scope(tenant=tenant):
        ship_to.refresh_from_db()
        entry = AuditEntry.objects.get(action="shipto.create")
    assert ship_to.address == address
    assert (ship_to.lead_time_days, ship_to.carrier, ship_to.incoterm) == (3, carrier, "DAP")
    assert ship_to.working_days == [1, 3, 5]
    assert (ship_to.picking_note, ship_to.vat_number) == ("Fragile", "FR40303265045")
    assert entry.changes["vat_number"] == [None, "FR40303265045"]


def test_ship_to_refused_with_an_address_code_that_does_not_exist(tenant, customer):
    third_party, _address = customer

    with pytest.raises(ValidationError) as error:
        _create(tenant, third_party, address_code="999")

    assert error.value.message_dict == {"address_code": [UNKNOWN_CODE]}


def test_ship_to_refused_with_another_third_partys_address_code(tenant, customer):
    third_party, _address = customer
    other = CustomerFactory(tenant=tenant)
    AddressFactory(third_party=other, tenant=tenant, code="777")

    with pytest.raises(ValidationError) as error:
        _create(tenant, third_party, address_code="777")

    assert error.value.message_dict == {"address_code": [UNKNOWN_CODE]}


def test_ship_to_refused_twice_for_the_same_address_code(tenant, customer):
    third_party, _address = customer
    _create(tenant, third_party)

    with pytest.raises(ValidationError) as error:
        _create(tenant, third_party)

    assert error.value.message_dict == {
        "address_code": ["Le code adresse 001 a déjà ses conditions de livraison."]
    }


def test_ship_to_refused_with_a_carrier_without_the_carrier_role(tenant, customer):
    third_party, _address = customer
    not_a_carrier = CustomerFactory(tenant=tenant)

    with pytest.raises(ValidationError) as error:
        _create(tenant, third_party, carrier=not_a_carrier)

    assert error.value.message_dict == {"carrier": [NOT_A_CARRIER]}


def test_ship_to_refused_with_a_carrier_of_another_company(tenant, other_tenant, customer):
    third_party, _address = customer
    foreign_carrier = CarrierFactory(tenant=other_tenant)

    with pytest.raises(ValidationError) as error:
        _create(tenant, third_party, carrier=foreign_carrier)

    assert error.value.message_dict == {"carrier": [NOT_A_CARRIER]}


@pytest.mark.parametrize("days", [[0], [8], [1, "lundi"], [True]])
def test_ship_to_refused_with_working_days_outside_monday_to_sunday(tenant, customer, days):
    third_party, _address = customer

    with pytest.raises(ValidationError) as error:
        _create(tenant, third_party, working_days=days)

    assert error.value.message_dict == {"working_days": [WORKING_DAYS]}


def test_ship_to_accepted_with_every_day_of_the_week(tenant, customer):
    third_party, _address = customer

    ship_to = _create(tenant, third_party, working_days=[7, 6, 5, 4, 3, 2, 1])

    assert ship_to.working_days == [1, 2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize(
    ("vat", "message"),
    [
        (
            "FR41303265045",
            "N° de TVA intracommunautaire invalide : la clé 41 ne correspond pas au SIREN 303265045 "
            "(clé attendue : 40).",
        ),
        ("DE123456789", "N° de TVA intracommunautaire invalide pour le pays DE : DE123456789."),
        ("XX123", "N° de TVA intracommunautaire invalide : XX n'est pas un pays de l'Union européenne."),
    ],
)
def test_ship_to_refused_with_an_invalid_vat_number(tenant, customer, vat, message):
    third_party, _address = customer

    with pytest.raises(ValidationError) as error:
        _create(tenant, third_party, vat_number=vat)

    assert error.value.message_dict == {"vat_number": [message]}


def test_ship_to_accepted_with_another_eu_vat_number(tenant, customer):
    third_party, _address = customer

    ship_to = _create(tenant, third_party, vat_number="DE 136 695 976")

    assert ship_to.vat_number == "DE136695976"


def test_ship_to_refused_with_a_negative_lead_time_and_an_unknown_incoterm(tenant, customer):
    third_party, _address = customer

    with pytest.raises(ValidationError) as error:
        _create(tenant, third_party, lead_time_days=-1, incoterm="XYZ")

    assert error.value.message_dict == {
        "lead_time_days": ["Le délai de livraison est un nombre de jours positif ou nul."],
        "incoterm": ["Incoterm inconnu : XYZ."],
    }


def test_ship_to_update_moves_to_another_address_code_and_audits(tenant, customer):
    third_party, _address = customer
    second = AddressFactory(third_party=third_party, tenant=tenant, code="002", is_default=False)
    ship_to = _create(tenant, third_party)

    with scope(tenant=tenant):
        ship_to_update(tenant=tenant, actor=None, ship_to=ship_to, address_code="002", lead_time_days=5)
        ship_to.refresh_from_db()
        entry = AuditEntry.objects.get(action="shipto.update")

    assert (ship_to.address, ship_to.lead_time_days) == (second, 5)
    assert entry.changes["lead_time_days"] == [0, 5]


def test_ship_to_update_refused_with_an_unknown_address_code(tenant, customer):
    third_party, _address = customer
    ship_to = _create(tenant, third_party)

    with scope(tenant=tenant), pytest.raises(ValidationError) as error:
        ship_to_update(tenant=tenant, actor=None, ship_to=ship_to, address_code="ABC")

    assert error.value.message_dict == {"address_code": [UNKNOWN_CODE]}


def test_ship_to_delete_audits(tenant, customer):
    third_party, _address = customer
    ship_to = _create(tenant, third_party)

    with scope(tenant=tenant):
        ship_to_delete(tenant=tenant, actor=None, ship_to=ship_to)
        assert not ShipTo.objects.filter(pk=ship_to.pk).exists()
        assert AuditEntry.objects.filter(action="shipto.delete").count() == 1


# --- Page -----------------------------------------------------------------------------------------


def _rows(*rows, initial: int = 0) -> dict:
    data = {"ship_tos-TOTAL_FORMS": str(len(rows)), "ship_tos-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"ship_tos-{index}-{key}"] = value
    return data


def _new_row(**fields) -> dict:
    row = {"address_code": "001", "lead_time_days": "2", "working_days": ["1", "2", "3", "4", "5"]}
    row.update(fields)
    return row


@pytest.fixture
def manager(client, tenant):
    user = member(tenant, "Manager")
    client.force_login(user)
    return user


def test_ship_tos_page_creates_a_row_and_redirects_to_the_third_party(client, manager, tenant, customer):
    third_party, address = customer
    carrier = CarrierFactory(tenant=tenant)

    response = client.post(
        f"/tiers/{third_party.pk}/livraison/",
        _rows(
            _new_row(
                carrier=str(carrier.pk), incoterm="DAP", working_days=["1", "3"], vat_number="FR40303265045"
            )
        ),
    )

    assert response.status_code == 302
    assert response.url == f"/tiers/{third_party.pk}/"
    with scope(tenant=tenant):
        ship_to = ShipTo.objects.get(third_party=third_party)
    assert (ship_to.address, ship_to.carrier, ship_to.working_days) == (address, carrier, [1, 3])
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Clients livrés enregistrés."]


def test_ship_tos_page_refuses_an_unknown_address_code_with_the_exact_message(
    client, manager, tenant, customer
):
    third_party, _address = customer

    response = client.post(f"/tiers/{third_party.pk}/livraison/", _rows(_new_row(address_code="999")))

    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["address_code"] == [UNKNOWN_CODE]
    assert 'value="2"' in response.content.decode()  # the typed lead time is kept


def test_ship_tos_page_refuses_an_invalid_working_day(client, manager, tenant, customer):
    third_party, _address = customer

    response = client.post(f"/tiers/{third_party.pk}/livraison/", _rows(_new_row(working_days=["9"])))

    assert response.context["formset"].forms[0].errors["working_days"] == [WORKING_DAYS]


def test_ship_tos_page_saves_nothing_when_one_row_is_refused(client, manager, tenant, customer):
    third_party, _address = customer
    AddressFactory(third_party=third_party, tenant=tenant, code="002", is_default=False)

    response = client.post(
        f"/tiers/{third_party.pk}/livraison/",
        _rows(_new_row(), _new_row(address_code="002", vat_number="FR41303265045")),
    )

    assert response.status_code == 200
    assert "vat_number" in response.context["formset"].forms[1].errors
    with scope(tenant=tenant):
        assert not ShipTo.objects.filter(third_party=third_party).exists()


def test_ship_tos_page_updates_and_deletes_existing_rows(client, manager, tenant, customer):
    third_party, address = customer
    second = AddressFactory(third_party=third_party, tenant=tenant, code="002", is_default=False)
    kept = ShipToFactory(third_party=third_party, tenant=tenant, address=address)
    dropped = ShipToFactory(third_party=third_party, tenant=tenant, address=second)

    response = client.post(
        f"/tiers/{third_party.pk}/livraison/",
        _rows(
            _new_row(id=str(kept.pk), lead_time_days="9"),
            _new_row(id=str(dropped.pk), address_code="002", DELETE="on"),
            initial=2,
        ),
    )

    assert response.status_code == 302
    with scope(tenant=tenant):
        assert list(ShipTo.objects.filter(third_party=third_party).values_list("pk", "lead_time_days")) == [
            (kept.pk, 9)
        ]


def test_ship_tos_page_offers_no_deletion_without_the_delete_right(client, tenant, customer):
    third_party, address = customer
    ShipToFactory(third_party=third_party, tenant=tenant, address=address)
    client.force_login(member(tenant, "Commercial"))

    response = client.get(f"/tiers/{third_party.pk}/livraison/")

    assert response.status_code == 200
    assert "DELETE" not in response.context["formset"].forms[0].fields


def test_ship_tos_page_refuses_a_row_of_another_third_party(client, manager, tenant, customer):
    third_party, _address = customer
    other, other_address = customer_with_address(tenant)
    foreign = ShipToFactory(third_party=other, tenant=tenant, address=other_address)

    response = client.post(
        f"/tiers/{third_party.pk}/livraison/",
        _rows(_new_row(id=str(foreign.pk), lead_time_days="7"), initial=1),
    )

    assert response.status_code == 200
    assert response.context["formset"].forms[0].non_field_errors() == [
        "Cette ligne n'existe plus : rechargez la page."
    ]
    with scope(tenant=tenant):
        foreign.refresh_from_db()
    assert foreign.lead_time_days == 2


def _ship_tos(tenant, third_party, count):
    for index in range(count):
        address = AddressFactory(
            third_party=third_party, tenant=tenant, code=f"1{index:02d}", is_default=False
        )
        ShipToFactory(
            third_party=third_party, tenant=tenant, address=address, carrier=CarrierFactory(tenant=tenant)
        )


@pytest.mark.parametrize("count", [1, 3])
def test_ship_tos_page_query_count_does_not_grow_with_rows(
    client, manager, tenant, customer, count, django_assert_num_queries
):
    third_party, _address = customer
    _ship_tos(tenant, third_party, count)
    client.get(f"/tiers/{third_party.pk}/livraison/")

    with django_assert_num_queries(REQUEST_QUERIES + 13):
        response = client.get(f"/tiers/{third_party.pk}/livraison/")

    assert len(response.context["formset"].forms) == count + 1


def test_ship_tos_page_404_for_another_tenants_third_party(client, other_tenant, customer):
    third_party, _address = customer
    client.force_login(member(other_tenant, "Administrateur"))

    assert client.get(f"/tiers/{third_party.pk}/livraison/").status_code == 404


def test_ship_tos_page_404_for_a_third_party_reserved_to_others(client, manager, tenant):
    hidden = reserved_customer(tenant)

    assert client.post(f"/tiers/{hidden.pk}/livraison/", _rows(_new_row())).status_code == 404
