"""Terms and representatives screens: the two sections of the third party's page (fixed query
count), the edit pages, the rep filter of the lists, the admin of the reference tables."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from tests.factories import BusinessLineFactory, InternalOrganisationFactory, member
from tests.tiers.factories import AddressFactory
from tests.tiers.factories_lists import third_party
from tests.tiers.factories_sites_banks import CustomerFactory
from tests.tiers.factories_terms import (
    FollowUpFactory,
    PaymentTermFactory,
    SecondaryRepFactory,
    SegmentFactory,
    StatisticalFamilyFactory,
)
from tiers.models import (
    CommercialFollowUp,
    SecondaryRep,
    SegmentKind,
    ThirdParty,
    ThirdPartyStatisticalFamily,
)


@pytest.fixture
def commercial(tenant):
    return member(tenant, "Commercial", first_name="Paul", last_name="Vendeur")


def detail(record) -> str:
    return reverse("tiers:detail", kwargs={"pk": record.pk})


def terms_url(record) -> str:
    return reverse("tiers:terms", kwargs={"pk": record.pk})


# --- Sections of the page -------------------------------------------------------------------------


def test_detail_shows_terms_relationship_dates_and_reps(tenant, commercial, login):
    customer = CustomerFactory(tenant=tenant)
    term = PaymentTermFactory(tenant=tenant, label="30 jours fin de mois")
    family = StatisticalFamilyFactory(axis__tenant=tenant, axis__label="Secteur", label="Industrie")
    with scope(tenant=tenant):
        ThirdParty.objects.filter(pk=customer.pk).update(
            payment_term=term,
            payment_days=[5, 15],
            rep_1=commercial,
            last_quote_on=datetime.date(2025, 3, 14),
            last_contact_at=timezone.make_aware(datetime.datetime(2025, 3, 10, 9, 30)),
            last_contact_kind="Visite",
        )
        ThirdPartyStatisticalFamily.objects.create(
            tenant=tenant, third_party=customer, axis=family.axis, family=family
        )
    SecondaryRepFactory(third_party=customer, user=commercial)
    FollowUpFactory(third_party=customer, rep=commercial, organisation__name="Agence Lyon")

    content = login(commercial).get(detail(customer)).content.decode()

    assert "Conditions commerciales et financières" in content
    assert "30 jours fin de mois" in content and "5, 15" in content
    assert "Secteur" in content and "Industrie" in content
    assert "14/03/2025" in content and "10/03/2025 09:30 — Visite" in content
    assert content.index("section-terms") < content.index("section-reps")
    assert content.count("Paul Vendeur") >= 3  # rep 1, secondary rep, suivi commercial
    assert "Agence Lyon" in content
    assert f'href="{terms_url(customer)}"' in content


def test_suivi_commercial_section_follows_the_cloisonnement_parameter(tenant, commercial, login):
    customer = CustomerFactory(tenant=tenant)
    line = BusinessLineFactory(tenant=tenant, name="Téléphonie")
    other = BusinessLineFactory(tenant=tenant, name="Impression")
    FollowUpFactory(third_party=customer, business_line=line, organisation__name="Agence Nord")
    FollowUpFactory(third_party=customer, business_line=other, organisation__name="Agence Sud")
    with scope(tenant=tenant):
        from crm.models import Membership, MembershipBusinessLine

        membership = Membership.objects.get(user=commercial)
        MembershipBusinessLine.objects.create(tenant=tenant, membership=membership, business_line=line)

    content = login(commercial).get(detail(customer)).content.decode()

    assert "Agence Nord" in content and "Agence Sud" not in content


def _customer_with_reps(tenant, count: int, rep):
    customer = CustomerFactory(tenant=tenant)
    with scope(tenant=tenant):
        ThirdParty.objects.filter(pk=customer.pk).update(
            rep_1=rep, payment_term=PaymentTermFactory(tenant=tenant), bill_to=CustomerFactory(tenant=tenant)
        )
    role = SegmentFactory(tenant=tenant, kind=SegmentKind.REP_ROLE)
    for _index in range(count):
        SecondaryRepFactory(third_party=customer, user=member(tenant), role=role)
        FollowUpFactory(third_party=customer, rep=member(tenant))
    return customer


def test_detail_query_count_is_the_same_for_few_and_many_reps_and_follow_ups(
    tenant, commercial, login, django_assert_num_queries
):
    small = _customer_with_reps(tenant, 1, commercial)
    large = _customer_with_reps(tenant, 6, commercial)
    client = login(commercial)
    client.get(detail(small))
    with CaptureQueriesContext(connection) as small_queries:
        client.get(detail(small))

    with django_assert_num_queries(len(small_queries)):
        response = client.get(detail(large))

    assert response.content.decode().count("Agence ") >= 6


# --- Terms page -----------------------------------------------------------------------------------


def test_terms_page_shows_the_fieldsets_and_one_field_per_statistical_axis(tenant, commercial, login):
    customer = CustomerFactory(tenant=tenant)
    StatisticalFamilyFactory(axis__tenant=tenant, axis__label="Secteur", label="Industrie")

    content = login(commercial).get(terms_url(customer)).content.decode()

    for legend in (
        "Commande",
        "Facturation",
        "Règlement",
        "Encours",
        "Représentants",
        "Familles statistiques",
    ):
        assert f"<legend>{legend}</legend>" in content
    assert "Secteur" in content and "Industrie" in content


def test_terms_page_saves_and_redirects(tenant, commercial, login):
    customer = CustomerFactory(tenant=tenant)
    billing = AddressFactory(third_party=customer, tenant=tenant, code="FAC")
    delivery = AddressFactory(third_party=customer, tenant=tenant, code="LIV", is_default=False)
    payer = CustomerFactory(tenant=tenant, code="PAYEUR1")
    term = PaymentTermFactory(tenant=tenant)
    price_list = SegmentFactory(tenant=tenant, kind=SegmentKind.PRICE_LIST, label="Tarif grossiste")
    family = StatisticalFamilyFactory(axis__tenant=tenant)
    data = {
        "payment_term": term.pk,
        "payment_method": "transfer",
        "payment_days": "15, 5",
        "payer": "payeur1",
        "rep_1": commercial.pk,
        "partial_delivery": "allowed",
        "price_type": "ht",
        "price_list": price_list.pk,
        "billing_mode": "per_delivery",
        "billing_periodicity": "monthly",
        "free_shipping": "above_ht",
        "free_shipping_threshold": "300",
        "credit_control": "none",
        "is_vat_liable": "on",
        "vat_treatment": "reverse_charge",
        "billing_address": billing.pk,
        "delivery_address": delivery.pk,
        "invoice_sending": "email_post",
        f"famille_{family.axis_id}": family.pk,
    }

    response = login(commercial).post(terms_url(customer), data)

    assert response.status_code == 302 and response.url == detail(customer)
    with scope(tenant=tenant):
        customer.refresh_from_db()
        assert (customer.payment_term, customer.payer, customer.rep_1) == (term, payer, commercial)
        assert customer.payment_days == [5, 15]
        assert customer.billing_periodicity == "monthly"
        assert ThirdPartyStatisticalFamily.objects.get(third_party=customer).family == family
        assert (customer.price_list, customer.payment_method) == (price_list, "transfer")
        assert (customer.vat_treatment, customer.invoice_sending) == ("reverse_charge", "email_post")
        assert (customer.billing_address, customer.delivery_address) == (billing, delivery)


def _base_data(**extra) -> dict:
    return {
        "partial_delivery": "allowed",
        "price_type": "ht",
        "billing_mode": "per_delivery",
        "billing_periodicity": "immediate",
        "free_shipping": "never",
        "credit_control": "none",
        "vat_treatment": "auto",
        "invoice_sending": "email",
        **extra,
    }


def test_terms_page_offers_only_the_third_partys_addresses_and_its_price_lists(tenant, commercial, login):
    customer = CustomerFactory(tenant=tenant)
    AddressFactory(third_party=customer, tenant=tenant, code="SIEGE", description="Siège")
    AddressFactory(third_party=CustomerFactory(tenant=tenant), tenant=tenant, code="AUTRE", city="Brest")
    SegmentFactory(tenant=tenant, kind=SegmentKind.PRICE_LIST, label="Tarif grossiste")
    SegmentFactory(tenant=tenant, kind=SegmentKind.REMINDER_GROUP, label="Relance douce")

    form = login(commercial).get(terms_url(customer)).context["form"]

    addresses = [label for _value, label in form.fields["billing_address"].choices]
    price_lists = [label for _value, label in form.fields["price_list"].choices]
    vat = [value for value, _label in form.fields["vat_treatment"].choices]
    assert addresses == ["---------", "SIEGE — Siège — 69002 LYON"]
    assert price_lists[1:] == ["Tarif grossiste"]
    assert vat == ["auto", "french_vat", "reverse_charge", "exempt"]


def test_terms_page_refuses_another_third_partys_address(tenant, commercial, login):
    customer = CustomerFactory(tenant=tenant)
    foreign = AddressFactory(third_party=CustomerFactory(tenant=tenant), tenant=tenant, code="AUTRE")

    response = login(commercial).post(
        terms_url(customer), _base_data(billing_address=foreign.pk, delivery_address=foreign.pk)
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["billing_address"] == ["Choisissez une adresse de ce tiers."]
    assert errors["delivery_address"] == ["Choisissez une adresse de ce tiers."]
    with scope(tenant=tenant):
        customer.refresh_from_db()
        assert customer.billing_address is None


def test_terms_page_refuses_a_missing_vat_treatment_and_an_unknown_one(tenant, commercial, login):
    customer = CustomerFactory(tenant=tenant)
    client = login(commercial)

    missing = client.post(terms_url(customer), {**_base_data(), "vat_treatment": ""})
    unknown = client.post(terms_url(customer), _base_data(vat_treatment="suisse"))

    assert missing.context["form"].errors["vat_treatment"] == ["Ce champ est obligatoire."]
    assert unknown.context["form"].errors["vat_treatment"] == [
        "Sélectionnez un choix valide. suisse n\u2019en fait pas partie."
    ]


def test_terms_page_shows_the_services_refusal_on_the_field(tenant, commercial, login):
    customer = CustomerFactory(tenant=tenant)

    response = login(commercial).post(terms_url(customer), _base_data(rep_2=commercial.pk))

    assert response.status_code == 200
    assert response.context["form"].errors["rep_2"] == ["Valeur incorrecte"]


def test_terms_page_refuses_an_unknown_or_invisible_third_party_code(tenant, other_tenant, commercial, login):
    customer = CustomerFactory(tenant=tenant)
    CustomerFactory(tenant=other_tenant, code="AILLEURS")

    response = login(commercial).post(
        terms_url(customer), _base_data(bill_to="ailleurs", payment_days="5, x")
    )

    errors = response.context["form"].errors
    assert errors["bill_to"] == ["Tiers inconnu : AILLEURS."]
    assert errors["payment_days"] == ["Saisissez des numéros de jour séparés par des virgules."]


def test_terms_page_of_another_tenants_third_party_is_404(tenant, other_tenant, commercial, login):
    foreign = CustomerFactory(tenant=other_tenant)

    assert login(commercial).get(terms_url(foreign)).status_code == 404
    assert login(commercial).post(terms_url(foreign), _base_data()).status_code == 404


# --- Secondary reps and suivi commercial pages ----------------------------------------------------


def test_secondary_reps_page_adds_then_removes_after_confirmation(tenant, commercial, login):
    customer = CustomerFactory(tenant=tenant)
    role = SegmentFactory(tenant=tenant, kind=SegmentKind.REP_ROLE, label="Avant-vente")
    client = login(commercial)
    page = reverse("tiers:secondary_reps", kwargs={"pk": customer.pk})

    added = client.post(page, {"user": commercial.pk, "role": role.pk})
    with scope(tenant=tenant):
        row = SecondaryRep.objects.get(third_party=customer)
    delete = reverse("tiers:secondary_rep_delete", kwargs={"pk": customer.pk, "row_pk": row.pk})
    confirmation = client.get(delete)
    removed = client.post(delete)

    assert added.status_code == 302
    assert "Retirer le représentant secondaire Paul Vendeur — Avant-vente ?" in confirmation.content.decode()
    assert removed.status_code == 302 and removed.url == page
    with scope(tenant=tenant):
        assert not SecondaryRep.objects.exists()


def test_secondary_rep_page_shows_a_duplicate_refusal(tenant, commercial, login):
    customer = CustomerFactory(tenant=tenant)
    SecondaryRepFactory(third_party=customer, user=commercial)

    response = login(commercial).post(
        reverse("tiers:secondary_reps", kwargs={"pk": customer.pk}), {"user": commercial.pk}
    )

    assert response.context["form"].errors["user"] == [
        "Ce représentant est déjà enregistré avec ce rôle et cette famille de produit."
    ]


def test_a_row_of_another_third_party_is_404(tenant, commercial, login):
    customer = CustomerFactory(tenant=tenant)
    other_row = SecondaryRepFactory(third_party=CustomerFactory(tenant=tenant))
    other_follow_up = FollowUpFactory(third_party=CustomerFactory(tenant=tenant))
    client = login(commercial)

    assert (
        client.get(
            reverse("tiers:secondary_rep_delete", kwargs={"pk": customer.pk, "row_pk": other_row.pk})
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("tiers:follow_up_delete", kwargs={"pk": customer.pk, "row_pk": other_follow_up.pk})
        ).status_code
        == 404
    )


def test_follow_up_pages_add_change_and_remove(tenant, commercial, login):
    customer = CustomerFactory(tenant=tenant)
    organisation = InternalOrganisationFactory(tenant=tenant, name="Agence Lyon")
    line = BusinessLineFactory(tenant=tenant, name="Impression")
    other_rep = member(tenant, first_name="Zoé", last_name="Autre")
    client = login(commercial)
    page = reverse("tiers:follow_ups", kwargs={"pk": customer.pk})
    values = {"organisation": organisation.pk, "business_line": line.pk, "rep": commercial.pk}

    assert client.post(page, values).status_code == 302
    refused = client.post(page, values)
    with scope(tenant=tenant):
        row = CommercialFollowUp.objects.get()
    kwargs = {"pk": customer.pk, "row_pk": row.pk}
    changed = client.post(reverse("tiers:follow_up_update", kwargs=kwargs), {**values, "rep": other_rep.pk})
    listing = client.get(page).content.decode()
    confirmation = client.get(reverse("tiers:follow_up_delete", kwargs=kwargs)).content.decode()
    client.post(reverse("tiers:follow_up_delete", kwargs=kwargs))

    assert refused.context["form"].errors["business_line"] == [
        "Le suivi commercial de Agence Lyon pour l'activité Impression existe déjà."
    ]
    assert changed.status_code == 302
    assert "Zoé Autre" in listing
    assert "Retirer le suivi commercial de Agence Lyon pour l&#x27;activité Impression ?" in confirmation
    with scope(tenant=tenant):
        assert not CommercialFollowUp.objects.exists()


# --- Rep filter of the lists ----------------------------------------------------------------------


def _names(response) -> list[str]:
    return sorted(row.record.name for row in response.context["table"].page.object_list)


def test_rep_filter_matches_rep_1_rep_2_secondary_reps_follow_ups_and_site_reps(tenant, commercial, login):
    line = BusinessLineFactory(tenant=tenant)
    other = member(tenant)
    by_rep_1 = third_party(tenant, "A rep 1")
    by_rep_2 = third_party(tenant, "B rep 2")
    by_secondary = third_party(tenant, "C secondaire")
    by_follow_up = third_party(tenant, "D suivi")
    third_party(tenant, "E site", business_lines=[line], rep=commercial)
    third_party(tenant, "F autre", business_lines=[line], rep=other)
    with scope(tenant=tenant):
        ThirdParty.objects.filter(pk=by_rep_1.pk).update(rep_1=commercial)
        ThirdParty.objects.filter(pk=by_rep_2.pk).update(rep_1=other, rep_2=commercial)
    SecondaryRepFactory(third_party=by_secondary, user=commercial)
    FollowUpFactory(third_party=by_follow_up, rep=commercial)

    response = login(commercial).get("/tiers/clients/", {"commercial": commercial.pk})

    assert _names(response) == ["A rep 1", "B rep 2", "C secondaire", "D suivi", "E site"]


def test_rep_filtered_list_query_count_is_constant(tenant, commercial, login, django_assert_num_queries):
    client = login(commercial)
    url = f"/tiers/clients/?commercial={commercial.pk}"

    def add(count: int) -> None:
        for _index in range(count):
            record = third_party(tenant, "Client suivi")
            SecondaryRepFactory(third_party=record, user=commercial)
            FollowUpFactory(third_party=record, rep=commercial)

    add(2)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add(10)

    with django_assert_num_queries(len(small)):
        response = client.get(url)

    assert len(response.context["table"].page.object_list) == 12


# --- Admin ----------------------------------------------------------------------------------------


def test_admin_pages_of_terms_models_render_with_rows(tenant, login):
    admin_user = member(tenant, "Administrateur", is_staff=True)
    customer = CustomerFactory(tenant=tenant)
    family = StatisticalFamilyFactory(axis__tenant=tenant)
    rows = {
        "paymentterm": PaymentTermFactory(tenant=tenant),
        "statisticalaxis": family.axis,
        "secondaryrep": SecondaryRepFactory(third_party=customer),
        "commercialfollowup": FollowUpFactory(third_party=customer),
    }
    with scope(tenant=tenant):
        rows["thirdpartystatisticalfamily"] = ThirdPartyStatisticalFamily.objects.create(
            tenant=tenant, third_party=customer, axis=family.axis, family=family
        )
    client = login(admin_user)

    for name, row in rows.items():
        assert client.get(reverse(f"admin:tiers_{name}_changelist")).status_code == 200, name
        assert client.get(reverse(f"admin:tiers_{name}_change", args=[row.pk])).status_code == 200, name
