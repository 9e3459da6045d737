"""Contact pages under a third party: create (with duplicates), view, edit, link, detach, default,
and the contacts section of the third party's page."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django_scopes import scope

from crm.models import AuditEntry
from tests.factories import member
from tests.tiers.factories import AddressFactory
from tests.tiers.factories_contacts import (
    ContactFunctionFactory,
    LinkFactory,
    StoredContactFactory,
    TPFactory,
)
from tiers.models import Contact, ContactLink, ThirdPartyAllowedUser
from tiers.selectors_contacts import contacts_for_third_party
from tiers.services.contacts import contact_create, contact_link

DEFAULT_BADGE = '<span class="badge badge-success">Contact par défaut</span>'


@pytest.fixture
def user(tenant):
    return member(tenant, "Commercial")


@pytest.fixture
def client_in(login, user):
    return login(user)


@pytest.fixture
def acme(tenant):
    with scope(tenant=tenant):
        return TPFactory(tenant=tenant, name="ACME Bureautique")


def _url(name, third_party, contact=None, **query):
    kwargs = {"pk": third_party.pk}
    if contact is not None:
        kwargs["contact_pk"] = contact.pk
    return reverse(f"tiers:{name}", kwargs=kwargs)


def _stored(tenant, third_party, **fields):
    with scope(tenant=tenant):
        return contact_create(tenant=tenant, actor=None, third_party=third_party, **fields)


def _reserved_to_someone_else(tenant):
    with scope(tenant=tenant):
        reserved = TPFactory(tenant=tenant, is_reserved=True, name="Réservé SA")
        ThirdPartyAllowedUser.objects.create(tenant=tenant, third_party=reserved, user=member(tenant))
    return reserved


def _typed(**fields):
    data = {"last_name": "Dupont", "first_name": "Jean", "language": "fr"}
    data.update(fields)
    return data


# --- Create --------------------------------------------------------------------------------------


def test_contact_create_page_shows_the_form_under_its_third_party(client_in, acme):
    response = client_in.get(_url("contact_create", acme))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Nouveau contact" in content
    assert f'data-customer="{acme.pk}"' in content


def test_contact_create_saves_links_and_redirects_to_the_third_party(client_in, tenant, acme, user):
    with scope(tenant=tenant):
        buyer = ContactFunctionFactory(tenant=tenant, label="Acheteur")

    response = client_in.post(
        _url("contact_create", acme),
        _typed(phone="01 23 45 67 89", email="Jean.Dupont@ACME.fr", function=buyer.pk),
    )

    assert response.status_code == 302
    assert response.url == f"/tiers/{acme.pk}/"
    with scope(tenant=tenant):
        contact = Contact.objects.get()
        link = ContactLink.objects.get()
        assert (contact.phone, contact.email, contact.function) == (
            "+33123456789",
            "jean.dupont@acme.fr",
            buyer,
        )
        assert (link.third_party, link.is_default, link.is_active) == (acme, True, True)
        assert AuditEntry.objects.filter(action="contact.create", actor=user).exists()


def test_contact_create_refused_with_an_invalid_phone_keeps_what_was_typed(client_in, tenant, acme):
    response = client_in.post(_url("contact_create", acme), _typed(phone="01 23", department="Achats"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Numéro de téléphone invalide : 01 23." in content
    assert 'value="Achats"' in content
    assert 'value="01 23"' in content
    with scope(tenant=tenant):
        assert not Contact.objects.exists()


def test_contact_create_refused_with_an_address_of_another_third_party(client_in, tenant, acme):
    with scope(tenant=tenant):
        foreign = AddressFactory(third_party=TPFactory(tenant=tenant))

    response = client_in.post(_url("contact_create", acme), _typed(address=foreign.pk))

    assert response.status_code == 200
    assert "Code adresse inexistant." in response.content.decode()


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        (
            {"last_name": "Martin", "email": "j.martin@bidule.fr"},
            {"last_name": "Autre", "email": "J.MARTIN@Bidule.fr"},
        ),
        ({"last_name": "Martin", "phone": "+33123456789"}, {"last_name": "Autre", "phone": "01 23 45 67 89"}),
        (
            {"first_name": "Hélène", "last_name": "Lefèvre"},
            {"first_name": "Helene", "last_name": "LEFEVRE"},
        ),
    ],
    ids=["email-other-case", "phone-other-format", "name-without-accents"],
)
def test_contact_create_shows_likely_duplicates_before_saving(client_in, tenant, acme, stored, typed):
    other = TPFactory(tenant=tenant, name="Bidule SA")
    existing = _stored(tenant, other, **stored)

    response = client_in.post(_url("contact_create", acme), _typed(department="Achats", **typed))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Des contacts semblables existent déjà" in content
    assert f'name="associate" value="{existing.pk}"' in content
    assert "Associer ce contact à ce tiers" in content
    assert "Créer quand même" in content
    assert "Bidule SA" in content
    assert 'value="Achats"' in content  # nothing typed is lost
    with scope(tenant=tenant):
        assert Contact.objects.count() == 1


def test_contact_create_anyway_when_create_anyway_is_checked(client_in, tenant, acme):
    _stored(tenant, TPFactory(tenant=tenant), last_name="Dupont", first_name="Jean")

    response = client_in.post(_url("contact_create", acme), _typed(force="on"))

    assert response.status_code == 302
    with scope(tenant=tenant):
        assert Contact.objects.filter(last_name="Dupont").count() == 2


def test_contact_create_associate_links_the_existing_contact_instead(client_in, tenant, acme):
    other = TPFactory(tenant=tenant, name="Bidule SA")
    existing = _stored(tenant, other, last_name="Martin", email="j.martin@bidule.fr")

    response = client_in.post(
        _url("contact_create", acme),
        _typed(last_name="Martin", email="j.martin@bidule.fr", associate=existing.pk),
    )

    assert response.status_code == 302
    assert response.url == f"/tiers/{acme.pk}/"
    with scope(tenant=tenant):
        assert Contact.objects.count() == 1
        assert set(existing.third_parties.all()) == {acme, other}
        assert ContactLink.objects.get(contact=existing, third_party=acme).is_default


def test_contact_create_associate_refused_for_a_contact_already_linked(client_in, tenant, acme):
    existing = _stored(tenant, acme, last_name="Martin")

    response = client_in.post(_url("contact_create", acme), _typed(last_name="Martin", associate=existing.pk))

    assert response.status_code == 200
    assert "Ce contact est déjà rattaché à ce tiers." in response.content.decode()


def test_contact_create_associate_404_for_a_contact_of_a_reserved_third_party(client_in, tenant, acme):
    hidden = _stored(tenant, _reserved_to_someone_else(tenant), last_name="Secret")

    response = client_in.post(_url("contact_create", acme), _typed(associate=hidden.pk))

    assert response.status_code == 404


# --- Detail --------------------------------------------------------------------------------------


def test_contact_detail_shows_the_contact_its_link_and_its_other_visible_third_parties(
    client_in, tenant, acme
):
    other = TPFactory(tenant=tenant, name="Bidule SA")
    reserved = _reserved_to_someone_else(tenant)
    contact = _stored(
        tenant,
        acme,
        first_name="Jean",
        last_name="Dupont",
        phone="01 23 45 67 89",
        mobile="06 12 34 56 78",
        email="jean.dupont@acme.fr",
    )
    with scope(tenant=tenant):
        contact_link(tenant=tenant, actor=None, contact=contact, third_party=other, is_active=False)
        contact_link(tenant=tenant, actor=None, contact=contact, third_party=reserved)

    response = client_in.get(_url("contact_detail", acme, contact))

    assert response.status_code == 200
    content = response.content.decode()
    assert '<a href="tel:+33123456789">01 23 45 67 89</a>' in content
    assert '<a href="tel:+33612345678">06 12 34 56 78</a>' in content
    assert '<a href="mailto:jean.dupont@acme.fr">jean.dupont@acme.fr</a>' in content
    assert DEFAULT_BADGE in content
    assert f'href="/tiers/{other.pk}/contacts/{contact.pk}/"' in content
    assert "Réservé SA" not in content
    assert f'data-customer="{acme.pk}"' in content


def test_contact_detail_404_when_the_contact_is_not_linked_to_that_third_party(client_in, tenant, acme):
    contact = _stored(tenant, TPFactory(tenant=tenant), last_name="Ailleurs")

    response = client_in.get(_url("contact_detail", acme, contact))

    assert response.status_code == 404


def test_contact_detail_404_for_another_tenant(client_in, other_tenant):
    with scope(tenant=other_tenant):
        link = LinkFactory(tenant=other_tenant, third_party=TPFactory(tenant=other_tenant))

    response = client_in.get(
        reverse("tiers:contact_detail", kwargs={"pk": link.third_party_id, "contact_pk": link.contact_id})
    )

    assert response.status_code == 404


def test_contact_detail_404_for_a_third_party_reserved_to_other_users(client_in, tenant):
    reserved = _reserved_to_someone_else(tenant)
    contact = _stored(tenant, reserved, last_name="Secret")

    response = client_in.get(_url("contact_detail", reserved, contact))

    assert response.status_code == 404


def test_contact_detail_shown_to_an_allowed_user_of_a_reserved_third_party(login, tenant):
    reserved = _reserved_to_someone_else(tenant)
    contact = _stored(tenant, reserved, last_name="Secret")
    with scope(tenant=tenant):
        allowed = ThirdPartyAllowedUser.objects.get(third_party=reserved).user

    response = login(allowed).get(_url("contact_detail", reserved, contact))

    assert response.status_code == 200


# --- Update --------------------------------------------------------------------------------------


def test_contact_update_saves_the_contact_and_its_link(client_in, tenant, acme):
    contact = _stored(tenant, acme, last_name="Dupont", phone="0123456789")
    with scope(tenant=tenant):
        address = AddressFactory(third_party=acme, code="LIV")

    page = client_in.get(_url("contact_update", acme, contact))
    response = client_in.post(
        _url("contact_update", acme, contact),
        _typed(phone="01 23 45 67 00", address=address.pk, is_default="on", is_active="on"),
    )

    assert 'value="01 23 45 67 89"' in page.content.decode()
    assert response.status_code == 302
    with scope(tenant=tenant):
        contact.refresh_from_db()
        assert contact.phone == "+33123456700"
        assert ContactLink.objects.get(contact=contact).address == address


def test_contact_update_refused_removing_the_default_flag(client_in, tenant, acme):
    contact = _stored(tenant, acme, last_name="Dupont")

    response = client_in.post(_url("contact_update", acme, contact), _typed(is_active="on"))

    assert response.status_code == 200
    assert "Un tiers doit garder un contact par défaut" in response.content.decode()


def test_contact_update_404_for_a_contact_not_linked_to_that_third_party(client_in, tenant, acme):
    contact = _stored(tenant, TPFactory(tenant=tenant), last_name="Ailleurs")

    response = client_in.post(_url("contact_update", acme, contact), _typed())

    assert response.status_code == 404


# --- Link an existing contact --------------------------------------------------------------------


def test_contact_link_search_finds_contacts_by_the_start_of_a_name_word(client_in, tenant, acme):
    other = TPFactory(tenant=tenant, name="Bidule SA")
    _stored(tenant, other, first_name="Jean-Luc", last_name="Léger")
    _stored(tenant, other, first_name="Anne", last_name="Bélanger")

    response = client_in.get(_url("contact_link", acme), {"q": "leg"})
    by_first_name = client_in.get(_url("contact_link", acme), {"q": "luc"})

    content = response.content.decode()
    assert "LÉGER Jean-Luc" in content
    assert "BÉLANGER" not in content  # "leg" is inside the word, not at its start
    assert "LÉGER Jean-Luc" in by_first_name.content.decode()


def test_contact_link_search_asks_for_two_characters(client_in, tenant, acme):
    _stored(tenant, TPFactory(tenant=tenant), last_name="Léger")

    response = client_in.get(_url("contact_link", acme), {"q": "l"})

    content = response.content.decode()
    assert "Saisissez au moins 2 caractères." in content
    assert "LÉGER" not in content


def test_contact_link_search_hides_contacts_of_reserved_third_parties(client_in, tenant, acme):
    _stored(tenant, _reserved_to_someone_else(tenant), last_name="Secret")

    response = client_in.get(_url("contact_link", acme), {"q": "secret"})

    assert "SECRET" not in response.content.decode()


def test_contact_link_links_the_chosen_contact(client_in, tenant, acme):
    existing = _stored(tenant, TPFactory(tenant=tenant), last_name="Martin")

    response = client_in.post(_url("contact_link", acme), {"contact": existing.pk, "q": "mar"})

    assert response.status_code == 302
    with scope(tenant=tenant):
        assert ContactLink.objects.filter(contact=existing, third_party=acme, is_default=True).exists()


def test_contact_link_refused_when_already_linked(client_in, tenant, acme):
    existing = _stored(tenant, acme, last_name="Martin")

    response = client_in.post(_url("contact_link", acme), {"contact": existing.pk, "q": "mar"})

    assert response.status_code == 200
    assert "Ce contact est déjà rattaché à ce tiers." in response.content.decode()


def test_contact_link_404_for_another_tenants_third_party(client_in, other_tenant):
    with scope(tenant=other_tenant):
        third_party = TPFactory(tenant=other_tenant)

    response = client_in.get(_url("contact_link", third_party))

    assert response.status_code == 404


# --- Detach and default --------------------------------------------------------------------------


def test_contact_unlink_asks_then_detaches(client_in, tenant, acme):
    _stored(tenant, acme, last_name="Dupont")
    second = _stored(tenant, acme, last_name="Martin")

    page = client_in.get(_url("contact_unlink", acme, second))
    response = client_in.post(_url("contact_unlink", acme, second))

    assert "Détacher MARTIN de ACME Bureautique ?" in page.content.decode()
    assert response.status_code == 302
    with scope(tenant=tenant):
        assert not ContactLink.objects.filter(contact=second).exists()
        assert Contact.objects.filter(pk=second.pk).exists()


def test_contact_unlink_refused_for_the_default_while_others_are_active(client_in, tenant, acme):
    first = _stored(tenant, acme, last_name="Dupont")
    _stored(tenant, acme, last_name="Martin")

    response = client_in.post(_url("contact_unlink", acme, first))

    assert response.status_code == 200
    assert (
        "désignez d&#x27;abord un autre contact par défaut, puis détachez celui-ci."
        in response.content.decode()
    )
    with scope(tenant=tenant):
        assert ContactLink.objects.filter(contact=first).exists()


def test_contact_set_default_demotes_the_previous_default(client_in, tenant, acme):
    first = _stored(tenant, acme, last_name="Dupont")
    second = _stored(tenant, acme, last_name="Martin")

    response = client_in.post(_url("contact_set_default", acme, second))

    assert response.status_code == 302
    assert response.url == f"/tiers/{acme.pk}/contacts/{second.pk}/"
    with scope(tenant=tenant):
        assert list(ContactLink.objects.filter(is_default=True).values_list("contact", flat=True)) == [
            second.pk
        ]
        assert not ContactLink.objects.get(contact=first).is_default


def test_contact_set_default_refused_for_an_inactive_contact(client_in, tenant, acme):
    _stored(tenant, acme, last_name="Dupont")
    inactive = _stored(tenant, acme, last_name="Martin", link={"is_active": False})

    response = client_in.post(_url("contact_set_default", acme, inactive), follow=True)

    assert "Un contact inactif ne peut pas être le contact par défaut." in response.content.decode()


def test_contact_set_default_refused_on_get(client_in, tenant, acme):
    contact = _stored(tenant, acme, last_name="Dupont")

    response = client_in.get(_url("contact_set_default", acme, contact))

    assert response.status_code == 405


def test_technicien_sees_a_contact_but_may_not_change_it(login, tenant, acme):
    contact = _stored(tenant, acme, last_name="Dupont")
    client = login(member(tenant, "Technicien"))

    page = client.get(_url("contact_detail", acme, contact))
    refused = client.post(_url("contact_update", acme, contact), _typed())

    assert page.status_code == 200
    assert _url("contact_update", acme, contact) not in page.content.decode()
    assert refused.status_code == 403


# --- The section of the third party's page -------------------------------------------------------


def _section(user, tenant, third_party, query: str = "", include_inactive: bool = False) -> str:
    request = RequestFactory().get(f"/tiers/{third_party.pk}/{query}")
    request.user = user
    request.tenant = tenant
    links = list(
        contacts_for_third_party(
            tenant=tenant, user=user, third_party=third_party, include_inactive=include_inactive
        )
    )
    return render_to_string(
        "tiers/contacts/_section.html", {"third_party": third_party, "contact_links": links}, request=request
    )


@pytest.mark.parametrize("count", [1, 5])
def test_contacts_section_costs_one_query_for_1_or_5_contacts(
    in_tenant, user, acme, count, django_assert_num_queries
):
    function = ContactFunctionFactory(tenant=in_tenant)
    address = AddressFactory(third_party=acme)
    for number in range(count):
        LinkFactory(
            tenant=in_tenant,
            third_party=acme,
            address=address,
            is_default=number == 0,
            contact=StoredContactFactory(
                tenant=in_tenant, function=function, phone="+33123456789", email=f"c{number}@acme.fr"
            ),
        )
    user.has_perm("tiers.view_contact")  # the role's permissions are read once per request

    with django_assert_num_queries(1):
        html = _section(user, in_tenant, acme)

    assert html.count("mailto:") == count
    assert html.count(function.label) == count


def test_contacts_section_shows_inactive_contacts_only_on_demand(in_tenant, user, acme):
    active = StoredContactFactory(tenant=in_tenant, last_name="Actif")
    inactive = StoredContactFactory(tenant=in_tenant, last_name="Parti")
    LinkFactory(tenant=in_tenant, third_party=acme, contact=active)
    LinkFactory(tenant=in_tenant, third_party=acme, contact=inactive, is_default=False, is_active=False)

    default_view = _section(user, in_tenant, acme, include_inactive=True)
    all_view = _section(user, in_tenant, acme, query="?contacts=tous", include_inactive=True)

    assert "ACTIF" in default_view and "PARTI" not in default_view
    assert "PARTI" in all_view and "inactif" in all_view
    assert "par défaut" in default_view


def test_contacts_section_shows_links_and_buttons_by_permission(in_tenant, acme, user):
    contact = StoredContactFactory(tenant=in_tenant, phone="+33123456789", email="jd@acme.fr")
    LinkFactory(tenant=in_tenant, third_party=acme, contact=contact)
    technicien = member(in_tenant, "Technicien")

    for_sales = _section(user, in_tenant, acme)
    for_technicien = _section(technicien, in_tenant, acme)

    assert '<a href="tel:+33123456789">01 23 45 67 89</a>' in for_sales
    assert '<a href="mailto:jd@acme.fr">jd@acme.fr</a>' in for_sales
    assert f'href="/tiers/{acme.pk}/contacts/{contact.pk}/"' in for_sales
    assert "Ajouter un contact" in for_sales and "Associer un contact existant" in for_sales
    assert "Ajouter un contact" not in for_technicien and "Associer un contact existant" not in for_technicien


def test_contacts_section_empty_for_a_third_party_hidden_from_the_user(in_tenant, user):
    reserved = _reserved_to_someone_else(in_tenant)
    LinkFactory(tenant=in_tenant, third_party=reserved, contact=StoredContactFactory(tenant=in_tenant))

    assert list(contacts_for_third_party(tenant=in_tenant, user=user, third_party=reserved)) == []


def test_contact_shared_by_two_third_parties_appears_on_both_pages(client_in, tenant, acme):
    other = TPFactory(tenant=tenant, name="Bidule SA")
    contact = _stored(tenant, acme, last_name="Partagé")
    with scope(tenant=tenant):
        _stored(tenant, other, last_name="Autre")
        contact_link(tenant=tenant, actor=None, contact=contact, third_party=other)

    on_acme = client_in.get(_url("contact_detail", acme, contact))
    on_other = client_in.get(_url("contact_detail", other, contact))

    assert on_acme.status_code == on_other.status_code == 200
    assert DEFAULT_BADGE in on_acme.content.decode()
    assert DEFAULT_BADGE not in on_other.content.decode()
    with scope(tenant=tenant):
        assert ContactLink.objects.get(contact=contact, third_party=acme).is_default
        assert not ContactLink.objects.get(contact=contact, third_party=other).is_default


def _page_queries(client, third_party) -> tuple[int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("tiers:detail", kwargs={"pk": third_party.pk}))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_third_party_page_includes_the_contacts_section_at_the_same_cost_for_1_and_5(client_in, tenant):
    with scope(tenant=tenant):
        small, large = TPFactory(tenant=tenant), TPFactory(tenant=tenant)
        function = ContactFunctionFactory(tenant=tenant)
        for third_party, count in ((small, 1), (large, 5)):
            for number in range(count):
                LinkFactory(
                    tenant=tenant,
                    third_party=third_party,
                    is_default=number == 0,
                    contact=StoredContactFactory(tenant=tenant, function=function, email=f"c{number}@x.fr"),
                )
    client_in.get(reverse("tiers:detail", kwargs={"pk": small.pk}))  # warm the session and caches

    small_count, small_html = _page_queries(client_in, small)
    large_count, large_html = _page_queries(client_in, large)

    assert small_count == large_count
    assert "Associer un contact existant" in small_html
    assert large_html.count("mailto:") == 5


def test_third_party_page_shows_inactive_contacts_with_contacts_tous(client_in, tenant, acme):
    with scope(tenant=tenant):
        LinkFactory(
            tenant=tenant, third_party=acme, contact=StoredContactFactory(tenant=tenant, last_name="Actif")
        )
        LinkFactory(
            tenant=tenant,
            third_party=acme,
            is_default=False,
            is_active=False,
            contact=StoredContactFactory(tenant=tenant, last_name="Parti"),
        )
    url = reverse("tiers:detail", kwargs={"pk": acme.pk})

    default_page = client_in.get(url).content.decode()
    all_page = client_in.get(url, {"contacts": "tous"}).content.decode()

    assert "ACTIF" in default_page and "PARTI" not in default_page
    assert "PARTI" in all_page
