"""Bank accounts (RIB): tiers.services.bank_accounts (schwifty IBAN/BIC, French RIB, one default)
and the tiers:bank_accounts page."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django_scopes import scope

from crm.models import AuditEntry, Country, Currency
from tests.factories import member
from tests.queries import REQUEST_QUERIES
from tests.tiers.factories import AddressFactory, BankAccountFactory
from tests.tiers.factories_sites_banks import (
    IBAN_DE,
    IBAN_FR,
    IBAN_FR_2,
    CustomerFactory,
    customer_with_address,
    reserved_customer,
)
from tiers.models import BankAccount
from tiers.services.bank_accounts import (
    Rib,
    bank_account_create,
    bank_account_delete,
    bank_account_update,
    rib_key,
)

UNKNOWN_CODE = "Code adresse inexistant"
KEEP_DEFAULT = (
    "Un tiers doit garder un compte bancaire par défaut : désignez un autre compte comme compte par "
    "défaut, il remplacera celui-ci."
)
DELETE_DEFAULT = (
    "Le compte par défaut ne peut pas être supprimé tant que le tiers a d'autres comptes : désignez "
    "d'abord un autre compte par défaut."
)


@pytest.fixture
def customer(tenant):
    return customer_with_address(tenant)


def _create(tenant, third_party, **fields):
    values = {"address_code": "001", "iban": IBAN_FR, "bank_name": "Crédit Agricole", "domiciliation": "Lyon"}
    values.update(fields)
    with scope(tenant=tenant):
        return bank_account_create(tenant=tenant, actor=None, third_party=third_party, **values)


# --- RIB key --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bank", "branch", "account", "key"),
    [("30006", "00001", "12345678901", "89"), ("20041", "01005", "0500013M026", "06")],
)
def test_rib_key_of_known_accounts(bank, branch, account, key):
    assert rib_key(bank, branch, account) == key


# --- IBAN and BIC ---------------------------------------------------------------------------------


def test_account_accepted_with_a_formatted_iban_and_audited_masked(tenant, customer):
    third_party, address = customer

    account = _create(tenant, third_party, iban="fr76 3000 6000 0112 3456 7890 189", bic="agri fr pp")

    with scope(tenant=tenant):
        entry = AuditEntry.objects.get(action="bankaccount.create")
    assert (account.iban, account.bic, account.address) == (IBAN_FR, "AGRIFRPP", address)
    assert entry.changes["iban"] == [None, "FR76 •••• 0189"]


def test_blank_bic_is_taken_from_the_bank_registry(tenant, customer):
    third_party, _address = customer

    account = _create(tenant, third_party, bic="")

    assert account.bic == "AGRIFRPPXXX"


def test_account_accepted_with_a_german_iban(tenant, customer):
    third_party, _address = customer

    account = _create(tenant, third_party, iban=IBAN_DE, bic="COBADEFFXXX", bank_name="Commerzbank")

    assert account.iban == IBAN_DE


@pytest.mark.parametrize(
    ("iban", "message"),
    [
        ("FR7630006000011234567890188", "IBAN invalide : clé de contrôle incorrecte."),
        (
            "FR0630006000011234567890188",
            "IBAN invalide : clé nationale incorrecte (la clé RIB pour un compte français).",
        ),
        ("FR76300060000112345678901", "IBAN invalide : longueur incorrecte pour ce pays."),
        ("XX7630006000011234567890189", "IBAN invalide : code pays inconnu ou pays sans IBAN."),
        ("FR763000600001123456789018A", "IBAN invalide : format incorrect pour ce pays."),
        ("DE89370400440532013001", "IBAN invalide : clé de contrôle incorrecte."),
    ],
)
def test_account_refused_with_an_invalid_iban(tenant, customer, iban, message):
    third_party, _address = customer

    with pytest.raises(ValidationError) as error:
        _create(tenant, third_party, iban=iban)

    assert error.value.message_dict == {"iban": [message]}


@pytest.mark.parametrize(
    ("bic", "message"),
    [
        ("AGRIFRP", "BIC invalide : 8 ou 11 caractères attendus."),
        (
            "AGRI1RPP",
            "BIC invalide : format incorrect (4 lettres pour la banque, 2 pour le pays, 2 caractères pour "
            "la localisation, 3 facultatifs pour l'agence).",
        ),
        ("AGRIZZPP", "BIC invalide : code pays inconnu."),
    ],
)
def test_account_refused_with_an_invalid_bic(tenant, customer, bic, message):
    third_party, _address = customer

    with pytest.raises(ValidationError) as error:
        _create(tenant, third_party, bic=bic)

    assert error.value.message_dict == {"bic": [message]}


def test_account_refused_with_an_invalid_intermediary_bic(tenant, customer):
    third_party, _address = customer

    with pytest.raises(ValidationError) as error:
        _create(tenant, third_party, intermediary_bic="XYZ")

    assert error.value.message_dict == {"intermediary_bic": ["BIC invalide : 8 ou 11 caractères attendus."]}


def test_account_accepted_with_an_intermediary_bank_and_a_currency(tenant, customer):
    third_party, _address = customer
    usd, germany = Currency.objects.get(code="USD"), Country.objects.get(code="DE")

    account = _create(
        tenant,
        third_party,
        intermediary_bic="DEUTDEFF",
        intermediary_bank_name="Deutsche Bank",
        intermediary_country=germany,
        currency=usd,
        holder="ACME SAS",
    )

    assert (account.intermediary_bic, account.intermediary_country, account.currency) == (
        "DEUTDEFF",
        germany,
        usd,
    )


# --- French RIB -----------------------------------------------------------------------------------


def test_account_accepted_from_a_rib_computes_the_iban(tenant, customer):
    third_party, _address = customer

    account = _create(tenant, third_party, iban="", rib=Rib("30006", "00001", "12345678901", "89"), bic="")

    assert account.iban == IBAN_FR
    assert account.bic == "AGRIFRPPXXX"


def test_account_accepted_from_a_rib_with_letters_in_the_account_number(tenant, customer):
    third_party, _address = customer

    account = _create(tenant, third_party, iban="", rib=Rib("20041", "01005", "0500013m026", "06"))

    assert account.iban == IBAN_FR_2


def test_account_refused_with_a_wrong_rib_key(tenant, customer):
    third_party, _address = customer

    with pytest.raises(ValidationError) as error:
        _create(tenant, third_party, iban="", rib=Rib("30006", "00001", "12345678901", "88"))

    assert error.value.message_dict == {
        "rib_key": [
            "Clé RIB incorrecte : elle ne correspond pas aux codes banque, guichet et au n° de compte."
        ]
    }


def test_account_refused_with_badly_formed_rib_parts(tenant, customer):
    third_party, _address = customer

    with pytest.raises(ValidationError) as error:
        _create(tenant, third_party, iban="", rib=Rib("3000", "0000A", "123", "8"))

    assert error.value.message_dict == {
        "rib_bank_code": ["Code banque invalide : 5 chiffres attendus."],
        "rib_branch_code": ["Code guichet invalide : 5 chiffres attendus."],
        "rib_account_number": ["N° de compte invalide : 11 chiffres ou lettres attendus."],
        "rib_key": ["Clé RIB invalide : 2 chiffres attendus."],
    }


def test_account_refused_when_iban_and_rib_disagree(tenant, customer):
    third_party, _address = customer

    with pytest.raises(ValidationError) as error:
        _create(tenant, third_party, iban=IBAN_FR_2, rib=Rib("30006", "00001", "12345678901", "89"))

    assert error.value.message_dict == {
        "iban": ["L'IBAN saisi ne correspond pas au RIB saisi : corrigez ou effacez l'un des deux."]
    }


def test_account_accepted_when_iban_and_rib_agree(tenant, customer):
    third_party, _address = customer

    account = _create(tenant, third_party, iban=IBAN_FR, rib=Rib("30006", "00001", "12345678901", "89"))

    assert account.iban == IBAN_FR


def test_account_refused_without_iban_nor_rib(tenant, customer):
    third_party, _address = customer

    with pytest.raises(ValidationError) as error:
        _create(tenant, third_party, iban="")

    assert error.value.message_dict == {
        "iban": ["Saisissez l'IBAN, ou le RIB (code banque, code guichet, n° de compte et clé)."]
    }


# --- Other fields ---------------------------------------------------------------------------------


def test_account_refused_without_bank_name_and_domiciliation(tenant, customer):
    third_party, _address = customer

    with pytest.raises(ValidationError) as error:
        _create(tenant, third_party, bank_name=" ", domiciliation="")

    assert error.value.message_dict == {
        "bank_name": ["Le nom de la banque est obligatoire."],
        "domiciliation": ["La domiciliation est obligatoire."],
    }


def test_account_refused_with_an_address_code_that_does_not_exist(tenant, customer):
    third_party, _address = customer

    with pytest.raises(ValidationError) as error:
        _create(tenant, third_party, address_code="404")

    assert error.value.message_dict == {"address_code": [UNKNOWN_CODE]}


def test_account_refused_with_another_third_partys_address_code(tenant, customer):
    third_party, _address = customer
    AddressFactory(third_party=CustomerFactory(tenant=tenant), tenant=tenant, code="888")

    with pytest.raises(ValidationError) as error:
        _create(tenant, third_party, address_code="888")

    assert error.value.message_dict == {"address_code": [UNKNOWN_CODE]}


def test_account_refused_with_an_iban_already_recorded(tenant, customer):
    third_party, _address = customer
    _create(tenant, third_party)

    with pytest.raises(ValidationError) as error:
        _create(tenant, third_party, iban="FR76 3000 6000 0112 3456 7890 189")

    assert error.value.message_dict == {"iban": ["Cet IBAN est déjà enregistré pour ce tiers."]}


def test_same_iban_accepted_for_two_third_parties(tenant, customer):
    third_party, _address = customer
    other, _other_address = customer_with_address(tenant)
    _create(tenant, third_party)

    account = _create(tenant, other)

    assert account.iban == IBAN_FR


# --- Exactly one default --------------------------------------------------------------------------


def test_first_account_becomes_the_default(tenant, customer):
    third_party, _address = customer

    account = _create(tenant, third_party, is_default=False)

    assert account.is_default


def test_new_default_demotes_the_previous_one(tenant, customer):
    third_party, _address = customer
    first = _create(tenant, third_party)

    second = _create(tenant, third_party, iban=IBAN_FR_2, is_default=True)

    with scope(tenant=tenant):
        first.refresh_from_db()
        defaults = list(BankAccount.objects.filter(third_party=third_party, is_default=True))
    assert defaults == [second]


def test_second_account_is_not_the_default_unless_asked(tenant, customer):
    third_party, _address = customer
    first = _create(tenant, third_party)

    second = _create(tenant, third_party, iban=IBAN_FR_2)

    assert first.is_default and not second.is_default


def test_update_refused_when_unmarking_the_default(tenant, customer):
    third_party, _address = customer
    account = _create(tenant, third_party)

    with scope(tenant=tenant), pytest.raises(ValidationError) as error:
        bank_account_update(tenant=tenant, actor=None, account=account, is_default=False)

    assert error.value.message_dict == {"is_default": [KEEP_DEFAULT]}


def test_update_making_an_account_default_demotes_the_other(tenant, customer):
    third_party, _address = customer
    first = _create(tenant, third_party)
    second = _create(tenant, third_party, iban=IBAN_FR_2)

    with scope(tenant=tenant):
        bank_account_update(tenant=tenant, actor=None, account=second, is_default=True, holder="ACME")
        first.refresh_from_db()
        second.refresh_from_db()

    assert second.is_default and not first.is_default
    assert second.holder == "ACME"


def test_delete_refused_for_the_default_while_others_exist(tenant, customer):
    third_party, _address = customer
    default = _create(tenant, third_party)
    _create(tenant, third_party, iban=IBAN_FR_2)

    with scope(tenant=tenant), pytest.raises(ValidationError) as error:
        bank_account_delete(tenant=tenant, actor=None, account=default)

    assert error.value.message_dict == {"is_default": [DELETE_DEFAULT]}


def test_delete_accepted_for_another_account_then_the_last_one(tenant, customer):
    third_party, _address = customer
    default = _create(tenant, third_party)
    other = _create(tenant, third_party, iban=IBAN_FR_2)

    with scope(tenant=tenant):
        bank_account_delete(tenant=tenant, actor=None, account=other)
        bank_account_delete(tenant=tenant, actor=None, account=default)
        assert not BankAccount.objects.filter(third_party=third_party).exists()


# --- Page -----------------------------------------------------------------------------------------


@pytest.fixture
def manager(client, tenant):
    user = member(tenant, "Manager")
    client.force_login(user)
    return user


def _rows(*rows, initial: int = 0) -> dict:
    data = {"accounts-TOTAL_FORMS": str(len(rows)), "accounts-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"accounts-{index}-{key}"] = value
    return data


def _row(**fields) -> dict:
    row = {"address_code": "001", "iban": IBAN_FR, "bank_name": "Crédit Agricole", "domiciliation": "Lyon"}
    row.update(fields)
    return {key: value for key, value in row.items() if value is not None}


def test_bank_accounts_page_shows_the_full_iban_for_editing(client, manager, tenant, customer):
    third_party, address = customer
    BankAccountFactory(third_party=third_party, tenant=tenant, address=address)

    response = client.get(f"/tiers/{third_party.pk}/banques/")

    assert response.status_code == 200
    assert 'value="FR76 3000 6000 0112 3456 7890 189"' in response.content.decode()


def test_third_party_page_shows_the_iban_masked(client, manager, tenant, customer):
    third_party, address = customer
    BankAccountFactory(third_party=third_party, tenant=tenant, address=address)

    response = client.get(f"/tiers/{third_party.pk}/")

    assert "FR76 •••• 0189" in response.content.decode()
    assert IBAN_FR not in response.content.decode()


def test_bank_accounts_page_creates_an_account_from_a_rib(client, manager, tenant, customer):
    third_party, _address = customer
    row = _row(
        iban="",
        rib_bank_code="30006",
        rib_branch_code="00001",
        rib_account_number="12345678901",
        rib_key="89",
    )

    response = client.post(f"/tiers/{third_party.pk}/banques/", _rows(row))

    assert response.status_code == 302
    assert response.url == f"/tiers/{third_party.pk}/"
    with scope(tenant=tenant):
        account = BankAccount.objects.get(third_party=third_party)
    assert (account.iban, account.is_default) == (IBAN_FR, True)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Comptes bancaires enregistrés."]


def test_bank_accounts_page_refuses_an_invalid_iban_and_keeps_the_input(client, manager, tenant, customer):
    third_party, _address = customer

    response = client.post(
        f"/tiers/{third_party.pk}/banques/", _rows(_row(iban="FR7630006000011234567890188"))
    )

    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["iban"] == [
        "IBAN invalide : clé de contrôle incorrecte."
    ]
    assert 'value="FR7630006000011234567890188"' in response.content.decode()


def test_bank_accounts_page_refuses_an_unknown_address_code(client, manager, tenant, customer):
    third_party, _address = customer

    response = client.post(f"/tiers/{third_party.pk}/banques/", _rows(_row(address_code="ZZZ")))

    assert response.context["formset"].forms[0].errors["address_code"] == [UNKNOWN_CODE]


def test_bank_accounts_page_refuses_a_missing_bank_name(client, manager, tenant, customer):
    third_party, _address = customer

    response = client.post(f"/tiers/{third_party.pk}/banques/", _rows(_row(bank_name="")))

    assert response.context["formset"].forms[0].errors["bank_name"] == [
        "Le nom de la banque est obligatoire."
    ]


def test_bank_accounts_page_moves_the_default_in_one_submit(client, manager, tenant, customer):
    third_party, address = customer
    first = BankAccountFactory(third_party=third_party, tenant=tenant, address=address, is_default=True)
    second = BankAccountFactory(
        third_party=third_party, tenant=tenant, address=address, iban=IBAN_FR_2, is_default=False
    )

    response = client.post(
        f"/tiers/{third_party.pk}/banques/",
        _rows(
            _row(id=str(first.pk), bic="AGRIFRPP", domiciliation="Lyon Part-Dieu"),
            _row(
                id=str(second.pk),
                iban=IBAN_FR_2,
                bic="AGRIFRPP",
                domiciliation="Lyon Part-Dieu",
                is_default="on",
            ),
            initial=2,
        ),
    )

    assert response.status_code == 302
    with scope(tenant=tenant):
        first.refresh_from_db()
        second.refresh_from_db()
    assert second.is_default and not first.is_default


def test_bank_accounts_page_refuses_to_leave_no_default(client, manager, tenant, customer):
    third_party, address = customer
    account = BankAccountFactory(third_party=third_party, tenant=tenant, address=address, is_default=True)

    response = client.post(
        f"/tiers/{third_party.pk}/banques/",
        _rows(_row(id=str(account.pk), bic="AGRIFRPP", domiciliation="Lyon Part-Dieu"), initial=1),
    )

    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["is_default"] == [KEEP_DEFAULT]


def test_bank_accounts_page_deletes_a_secondary_account(client, manager, tenant, customer):
    third_party, address = customer
    default = BankAccountFactory(third_party=third_party, tenant=tenant, address=address, is_default=True)
    other = BankAccountFactory(
        third_party=third_party, tenant=tenant, address=address, iban=IBAN_FR_2, is_default=False
    )

    response = client.post(
        f"/tiers/{third_party.pk}/banques/",
        _rows(
            _row(id=str(default.pk), bic="AGRIFRPP", domiciliation="Lyon Part-Dieu", is_default="on"),
            _row(
                id=str(other.pk), iban=IBAN_FR_2, bic="AGRIFRPP", domiciliation="Lyon Part-Dieu", DELETE="on"
            ),
            initial=2,
        ),
    )

    assert response.status_code == 302
    with scope(tenant=tenant):
        assert list(BankAccount.objects.filter(third_party=third_party)) == [default]


def _accounts(tenant, third_party, address, count):
    ibans = [IBAN_FR, IBAN_FR_2, IBAN_DE]
    for index in range(count):
        BankAccountFactory(
            third_party=third_party,
            tenant=tenant,
            address=address,
            iban=ibans[index],
            is_default=index == 0,
            currency=Currency.objects.get(code="EUR"),
            intermediary_country=Country.objects.get(code="DE"),
        )


@pytest.mark.parametrize("count", [1, 3])
def test_bank_accounts_page_query_count_does_not_grow_with_rows(
    client, manager, tenant, customer, count, django_assert_num_queries
):
    third_party, address = customer
    _accounts(tenant, third_party, address, count)
    client.get(f"/tiers/{third_party.pk}/banques/")

    with django_assert_num_queries(REQUEST_QUERIES + 14):
        response = client.get(f"/tiers/{third_party.pk}/banques/")

    assert len(response.context["formset"].forms) == count + 1


def test_bank_accounts_page_404_for_another_tenants_third_party(client, other_tenant, customer):
    third_party, _address = customer
    client.force_login(member(other_tenant, "Administrateur"))

    assert client.get(f"/tiers/{third_party.pk}/banques/").status_code == 404


def test_bank_accounts_page_404_for_a_third_party_reserved_to_others(client, manager, tenant):
    hidden = reserved_customer(tenant)

    assert client.post(f"/tiers/{hidden.pk}/banques/", _rows(_row())).status_code == 404


def test_bank_accounts_page_refused_for_a_technician(client, tenant, customer):
    third_party, _address = customer
    client.force_login(member(tenant, "Technicien"))

    assert client.get(f"/tiers/{third_party.pk}/banques/").status_code == 403
