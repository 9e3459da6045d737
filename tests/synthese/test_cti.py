"""Incoming calls (synthese/cti.py, synthese/views/cti.py): the tenant token, the webhook, the
poll of the user's tab, unknown numbers, the automatic opening and simulate_call."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from crm.models import AuditEntry, Licence
from synthese.cti import AUTO_OPEN, token_hash
from synthese.models import CallNotification, CtiToken
from synthese.preferences import preference_set
from tests.factories import member
from tests.queries import REQUEST_QUERIES
from tests.synthese.cti_support import customer_with_phone, tenant_token
from tests.tiers.factories import ContactLinkFactory
from tests.tiers.factories_sites_banks import reserved_customer

pytestmark = pytest.mark.django_db

INCOMING = "synthese:cti_incoming"


@pytest.fixture
def commercial(tenant):
    return member(tenant, "Commercial", username="claire", email="claire.martin@example.com")


def post_call(token: str | None, body, client: Client | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    payload = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return (client or Client(enforce_csrf_checks=True)).post(
        reverse(INCOMING), payload, content_type="application/json", headers=headers
    )


def pending(tenant):
    with scope(tenant=tenant):
        return list(CallNotification.objects.filter(tenant=tenant).order_by("pk"))


def poll(client, user):
    client.force_login(user)
    return client.get(reverse("synthese:cti_poll")).json()


# --- Token ----------------------------------------------------------------------------------------


def test_token_is_stored_hashed_and_its_rotation_audited(tenant):
    first = tenant_token(tenant)
    second = tenant_token(tenant)
    with scope(tenant=tenant):
        row = CtiToken.objects.get(tenant=tenant)
        actions = list(AuditEntry.objects.filter(tenant=tenant).values_list("action", flat=True))
    assert row.token_hash == token_hash(second) and second not in row.token_hash
    assert first != second
    assert "cti_token.created" in actions and "cti_token.rotated" in actions


def test_cti_token_command_prints_a_working_token(tenant, commercial):
    customer_with_phone(tenant)
    out = StringIO()
    call_command("cti_token", tenant="acme", stdout=out)
    token = out.getvalue().strip()
    assert post_call(token, {"called_user": "claire", "caller_number": "0123456789"}).status_code == 201
    with pytest.raises(CommandError, match="Société inconnue : nulle"):
        call_command("cti_token", tenant="nulle")


# --- Webhook authentication -----------------------------------------------------------------------


def test_webhook_without_token_is_401(tenant, commercial):
    tenant_token(tenant)
    response = post_call(None, {"called_user": "claire", "caller_number": "0123456789"})
    assert response.status_code == 401
    assert response.json() == {"error": "Jeton d'authentification manquant."}
    assert response["WWW-Authenticate"] == "Bearer"
    assert pending(tenant) == []


def test_webhook_with_a_wrong_or_old_token_is_403(tenant, commercial):
    old = tenant_token(tenant)
    tenant_token(tenant)
    for token in ("nimporte-quoi", old, "' OR 1=1 --"):
        response = post_call(token, {"called_user": "claire", "caller_number": "0123456789"})
        assert response.status_code == 403, token
        assert response.json() == {"error": "Jeton d'authentification invalide."}
    assert pending(tenant) == []


def test_other_tenants_token_cannot_notify_this_tenants_user(tenant, other_tenant, commercial):
    customer_with_phone(tenant)
    token_b = tenant_token(other_tenant)
    response = post_call(token_b, {"called_user": "claire.martin@example.com", "caller_number": "0123456789"})
    assert response.status_code == 404
    assert response.json() == {"errors": {"called_user": ["Utilisateur appelé inconnu dans cette société."]}}
    with scopes_disabled():  # both tenants: the explicit filter is "no row at all"
        assert CallNotification.objects.count() == 0


def test_webhook_refuses_malformed_events(tenant, commercial):
    token = tenant_token(tenant)
    assert post_call(token, "pas du json").json() == {
        "error": "Le corps de la requête doit être un objet JSON."
    }
    assert post_call(token, [1, 2]).status_code == 400
    response = post_call(token, {"called_user": "claire", "caller_number": "inconnu"})
    assert response.status_code == 400
    assert response.json() == {"errors": {"caller_number": ["Numéro appelant manquant ou invalide."]}}
    assert post_call(token, {"called_user": ["claire"], "caller_number": 123}).status_code == 400
    assert post_call(token, {"called_user": "claire", "caller_number": "0" * 5000}).status_code == 400
    assert pending(tenant) == []


# --- Resolution and poll --------------------------------------------------------------------------


def test_known_number_notifies_the_user_once_with_the_callers_synthese(tenant, commercial, client):
    customer = customer_with_phone(tenant, "Garage Martin")
    other_user = member(tenant, "Commercial")
    token = tenant_token(tenant)

    response = post_call(token, {"called_user": "CLAIRE", "caller_number": "+33 1 23 45 67 89"})

    assert response.status_code == 201
    synthese = reverse("synthese:customer", kwargs={"pk": customer.pk})
    assert response.json()["url"] == synthese
    assert poll(client, other_user) == {"calls": [], "auto_open": False}
    [call] = poll(client, commercial)["calls"]
    assert call["known"] is True and call["url"] == synthese and call["label"].startswith("Garage Martin — ")
    assert call["number"] == "+33 1 23 45 67 89"
    assert poll(client, commercial) == {"calls": [], "auto_open": False}  # shown once


def test_contact_number_opens_the_synthese_with_the_contact_selected(tenant, commercial, client):
    link = ContactLinkFactory(tenant=tenant, contact__last_name="Roux", contact__phone_digits="0611223344")
    post_call(tenant_token(tenant), {"called_user": "claire", "caller_number": "06 11 22 33 44"})
    [call] = poll(client, commercial)["calls"]
    assert call["url"] == reverse("synthese:customer", kwargs={"pk": link.third_party_id}) + (
        f"?contact={link.contact_id}"
    )
    assert call["label"].startswith("ROUX Jean")


def test_unknown_number_offers_a_prospect_with_the_number(tenant, commercial, client):
    post_call(tenant_token(tenant), {"called_user": "claire", "caller_number": "04 78 00 00 01"})
    [call] = poll(client, commercial)["calls"]
    assert call["known"] is False and call["url"] == ""
    assert call["create_url"] == reverse("tiers:create") + "?type=prospect&telephone=04+78+00+00+01"
    page = client.get(call["create_url"]).content.decode()
    assert 'value="04 78 00 00 01"' in page


def test_unknown_number_offers_no_creation_without_the_right(tenant, client):
    technician = member(tenant, "Technicien", username="theo")
    post_call(tenant_token(tenant), {"called_user": "theo", "caller_number": "0478000001"})
    [call] = poll(client, technician)["calls"]
    assert call["known"] is False and call["create_url"] == ""


def test_caller_reserved_to_others_stays_unknown_to_the_called_user(tenant, commercial, client):
    customer = reserved_customer(tenant)
    with scope(tenant=tenant):
        address = customer.addresses.get()
    from tests.tiers.factories_third_parties import phone_add

    phone_add(address, "+33299887766", "0299887766")
    post_call(tenant_token(tenant), {"called_user": "claire", "caller_number": "0299887766"})
    [call] = poll(client, commercial)["calls"]
    assert call["known"] is False


def test_a_code_starting_with_the_digits_is_not_the_caller(tenant, commercial, client):
    from tests.tiers.factories import ThirdPartyFactory

    ThirdPartyFactory(tenant=tenant, code="0123456789", name="Code Numérique")
    post_call(tenant_token(tenant), {"called_user": "claire", "caller_number": "0123456789"})
    [call] = poll(client, commercial)["calls"]
    assert call["known"] is False


def test_calls_older_than_a_minute_are_not_shown(tenant, commercial, client):
    post_call(tenant_token(tenant), {"called_user": "claire", "caller_number": "0478000001"})
    with scope(tenant=tenant):
        CallNotification.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert poll(client, commercial)["calls"] == []


def test_automatic_opening_is_the_users_choice(tenant, commercial, client):
    customer_with_phone(tenant)
    client.force_login(commercial)
    response = client.post(reverse("synthese:cti_preference"), {"ouverture_auto": "on"}, follow=True)
    assert "Votre choix pour les appels entrants est enregistré." in response.content.decode()
    post_call(tenant_token(tenant), {"called_user": "claire", "caller_number": "0123456789"})
    data = poll(client, commercial)
    assert data["auto_open"] is True and len(data["calls"]) == 1
    with scope(tenant=tenant):
        preference_set(user=commercial, tenant=tenant, key=AUTO_OPEN, value=False)
    assert 'name="ouverture_auto">' in client.get(reverse("synthese:cti_preference")).content.decode()


@pytest.mark.parametrize("calls", [0, 3])
def test_poll_costs_one_statement_besides_the_session(
    tenant, commercial, client, django_assert_num_queries, calls
):
    client.force_login(commercial)
    client.get(reverse("synthese:cti_poll"))  # warm the session
    with scope(tenant=tenant):
        for index in range(calls):
            CallNotification.objects.create(tenant=tenant, user=commercial, caller_number=f"010000000{index}")
    # Session, user, membership (with its tenant), the savepoint pair of ATOMIC_REQUESTS and one
    # UPDATE … RETURNING; with calls, also the role's permissions (create link) and the preference.
    with django_assert_num_queries(REQUEST_QUERIES + (8 if calls else 6)):
        data = client.get(reverse("synthese:cti_poll")).json()
    assert len(data["calls"]) == calls


# --- simulate_call ----------------------------------------------------------------------------------


def test_simulate_call_through_the_service(tenant, commercial, client):
    customer = customer_with_phone(tenant)
    out = StringIO()
    call_command("simulate_call", tenant="acme", user="claire", number="01 23 45 67 89", stdout=out)
    assert "Appel signalé : /synthese/" in out.getvalue()
    [call] = poll(client, commercial)["calls"]
    assert call["url"] == reverse("synthese:customer", kwargs={"pk": customer.pk})
    with pytest.raises(CommandError, match=r"Utilisateur appelé inconnu dans cette société\."):
        call_command("simulate_call", tenant="acme", user="personne", number="0123456789")


def test_simulate_call_over_http(tenant, commercial, live_server):
    token = tenant_token(tenant)
    out = StringIO()
    call_command(
        "simulate_call",
        tenant="acme",
        user="claire",
        number="0478000001",
        url=live_server.url,
        token=token,
        stdout=out,
    )
    assert "numéro inconnu" in out.getvalue()
    assert len(pending(tenant)) == 1
    with pytest.raises(CommandError, match=r"Le serveur a refusé l'appel \(403\)"):
        call_command(
            "simulate_call", tenant="acme", user="claire", number="0478000001", url=live_server.url, token="x"
        )


def test_licence_does_not_change_a_customers_call(tenant, client):
    customer = customer_with_phone(tenant)
    artis = member(tenant, "Commercial", licence=Licence.ARTIS, username="arthur")
    post_call(tenant_token(tenant), {"called_user": "arthur", "caller_number": "0123456789"})
    [call] = poll(client, artis)["calls"]
    assert call["url"] == reverse("synthese:customer", kwargs={"pk": customer.pk})
