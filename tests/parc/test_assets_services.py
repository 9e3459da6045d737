"""Rules of the catalogue, asset, financing and competitor-asset services (accepted and refused,
with their French messages)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from crm.models import AuditEntry
from parc.models import AssetStatus, CompetitorAssetKind
from parc.services.assets import asset_create, asset_update, financing_create, financing_update
from parc.services.catalogue import article_create, article_update
from parc.services.competitors import competitor_asset_create
from tests.factories import BusinessLineFactory, member
from tests.parc.factories_assets import (
    ArticleFactory,
    ArticleFamilyFactory,
    AssetFactory,
    FinancerFactory,
    FinancingFactory,
    site_of,
)
from tests.tiers.factories import ThirdPartyFactory

pytestmark = pytest.mark.usefixtures("in_tenant")


@pytest.fixture
def actor(tenant):
    return member(tenant, "Administrateur")


# --- Catalogue ------------------------------------------------------------------------------------


def test_article_create_accepts_a_sub_family_of_its_family(tenant, actor):
    family = ArticleFamilyFactory(tenant=tenant, label="Copieurs")
    sub_family = ArticleFamilyFactory(tenant=tenant, label="Couleur", parent=family)

    article = article_create(
        tenant=tenant,
        actor=actor,
        code="cop-c3530",
        label="Copieur couleur A3",
        business_line=BusinessLineFactory(tenant=tenant),
        family=family,
        sub_family=sub_family,
    )

    assert (article.code, article.sub_family) == ("COP-C3530", sub_family)
    assert AuditEntry.objects.filter(
        tenant=tenant, action="article.create", object_id=str(article.pk)
    ).exists()


def test_article_create_refuses_a_sub_family_of_another_family(tenant, actor):
    printers = ArticleFamilyFactory(tenant=tenant, label="Copieurs")
    computers = ArticleFamilyFactory(tenant=tenant, label="Informatique")
    servers = ArticleFamilyFactory(tenant=tenant, label="Serveurs", parent=computers)

    with pytest.raises(ValidationError) as exc:
        article_create(
            tenant=tenant,
            actor=actor,
            code="X1",
            label="Article",
            business_line=BusinessLineFactory(tenant=tenant),
            family=printers,
            sub_family=servers,
        )

    assert exc.value.message_dict == {
        "sub_family": ["La sous-famille Serveurs n'appartient pas à la famille Copieurs."]
    }


def test_article_create_refuses_a_sub_family_without_family_and_a_taken_code(tenant, actor):
    ArticleFactory(tenant=tenant, code="X1")
    sub_family = ArticleFamilyFactory(tenant=tenant, parent=ArticleFamilyFactory(tenant=tenant))

    with pytest.raises(ValidationError) as exc:
        article_create(
            tenant=tenant,
            actor=actor,
            code="x1",
            label="Article",
            business_line=BusinessLineFactory(tenant=tenant),
            sub_family=sub_family,
        )

    assert exc.value.message_dict == {
        "sub_family": ["Choisissez d'abord la famille de cette sous-famille."],
        "code": ["Le code article X1 existe déjà."],
    }


def test_article_update_refuses_a_sub_family_as_family(tenant, actor):
    article = ArticleFactory(tenant=tenant)
    sub_family = ArticleFamilyFactory(tenant=tenant, parent=ArticleFamilyFactory(tenant=tenant))

    with pytest.raises(ValidationError) as exc:
        article_update(tenant=tenant, actor=actor, article=article, family=sub_family)

    assert exc.value.message_dict == {"family": ["Choisissez une famille, pas une sous-famille."]}


# --- Assets ---------------------------------------------------------------------------------------


def test_asset_create_defaults_the_business_line_to_the_article_and_is_audited(tenant, actor):
    customer = ThirdPartyFactory(tenant=tenant)
    site = site_of(customer)
    article = ArticleFactory(tenant=tenant)

    asset = asset_create(
        tenant=tenant, actor=actor, customer=customer, article=article, site=site, label="Copieur accueil"
    )

    assert (asset.business_line, asset.site, asset.status) == (
        article.business_line,
        site,
        AssetStatus.IN_BASE,
    )
    entry = AuditEntry.objects.get(tenant=tenant, action="asset.create")
    assert entry.changes["label"] == [None, "Copieur accueil"]


def test_asset_create_refuses_a_site_of_another_customer(tenant, actor):
    customer = ThirdPartyFactory(tenant=tenant)
    other_site = site_of(ThirdPartyFactory(tenant=tenant))

    with pytest.raises(ValidationError) as exc:
        asset_create(
            tenant=tenant,
            actor=actor,
            customer=customer,
            article=ArticleFactory(tenant=tenant),
            site=other_site,
            label="Copieur",
        )

    assert exc.value.message_dict == {"site": ["Ce site n'appartient pas à ce client."]}


def test_asset_on_loan_refused_for_a_customer_without_loans(tenant, actor):
    customer = ThirdPartyFactory(tenant=tenant, name="Garage Martin", loans_allowed=False)

    with pytest.raises(ValidationError) as exc:
        asset_create(
            tenant=tenant,
            actor=actor,
            customer=customer,
            article=ArticleFactory(tenant=tenant),
            label="Copieur de prêt",
            status=AssetStatus.ON_LOAN,
        )

    assert exc.value.message_dict == {
        "status": [
            "Le prêt n'est pas autorisé pour le client Garage Martin : le statut « En prêt » est refusé."
        ]
    }


def test_asset_on_loan_accepted_for_a_customer_with_loans(tenant, actor):
    asset = AssetFactory(tenant=tenant, customer=ThirdPartyFactory(tenant=tenant, loans_allowed=True))

    asset_update(tenant=tenant, actor=actor, asset=asset, status=AssetStatus.ON_LOAN)

    asset.refresh_from_db()
    assert asset.status == AssetStatus.ON_LOAN
    assert AuditEntry.objects.get(tenant=tenant, action="asset.update").changes == {
        "status": ["in_base", "on_loan"]
    }


# --- Financing ------------------------------------------------------------------------------------


def _financing_fields(tenant, **overrides):
    fields = {
        "financer": FinancerFactory(tenant=tenant),
        "starts_on": datetime.date(2025, 1, 1),
        "ends_on": datetime.date(2029, 12, 31),
        "duration_months": 60,
        "rent": Decimal("150.00"),
        "remaining": Decimal("4500.00"),
    }
    return {**fields, **overrides}


def test_financing_create_stores_the_asset_customer_and_site(tenant, actor):
    customer = ThirdPartyFactory(tenant=tenant)
    asset = AssetFactory(tenant=tenant, customer=customer, site=site_of(customer))

    financing = financing_create(tenant=tenant, actor=actor, asset=asset, **_financing_fields(tenant))

    assert (financing.customer, financing.site, financing.business_line) == (
        customer,
        asset.site,
        asset.business_line,
    )
    assert AuditEntry.objects.filter(tenant=tenant, action="financing.create").count() == 1


def test_financing_refuses_a_non_financer_inverted_dates_and_negative_amounts(tenant, actor):
    asset = AssetFactory(tenant=tenant)
    fields = _financing_fields(
        tenant,
        financer=ThirdPartyFactory(tenant=tenant, name="Boulangerie Paul"),
        starts_on=datetime.date(2025, 6, 1),
        ends_on=datetime.date(2025, 5, 31),
        rent=Decimal("-1.00"),
        remaining=Decimal("-0.01"),
    )

    with pytest.raises(ValidationError) as exc:
        financing_create(tenant=tenant, actor=actor, asset=asset, **fields)

    assert exc.value.message_dict == {
        "financer": ["Boulangerie Paul n'est pas un financeur : ajoutez-lui d'abord le rôle financeur."],
        "ends_on": ["La date de fin du financement doit être postérieure ou égale à sa date de début."],
        "rent": ["Le montant ne peut pas être négatif."],
        "remaining": ["Le montant ne peut pas être négatif."],
    }


def test_financing_update_accepts_equal_dates(tenant, actor):
    financing = FinancingFactory(asset=AssetFactory(tenant=tenant))

    financing_update(
        tenant=tenant,
        actor=actor,
        financing=financing,
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 1, 1),
    )

    financing.refresh_from_db()
    assert financing.ends_on == datetime.date(2025, 1, 1)


# --- Competitors' assets --------------------------------------------------------------------------


def test_competitor_asset_create_accepts_consistent_dates(tenant, actor):
    customer = ThirdPartyFactory(tenant=tenant)

    row = competitor_asset_create(
        tenant=tenant,
        actor=actor,
        customer=customer,
        kind=CompetitorAssetKind.CAMERA,
        competitor="Vidéo Sécurité Plus",
        financing_starts_on=datetime.date(2024, 1, 1),
        financing_ends_on=datetime.date(2027, 1, 1),
    )

    assert row.customer == customer
    assert AuditEntry.objects.filter(tenant=tenant, action="competitor_asset.create").count() == 1


def test_competitor_asset_refuses_financing_end_before_start_and_a_foreign_site(tenant, actor):
    with pytest.raises(ValidationError) as exc:
        competitor_asset_create(
            tenant=tenant,
            actor=actor,
            customer=ThirdPartyFactory(tenant=tenant),
            site=site_of(ThirdPartyFactory(tenant=tenant)),
            kind=CompetitorAssetKind.PRINTING,
            competitor="Copie Express",
            financing_starts_on=datetime.date(2025, 1, 2),
            financing_ends_on=datetime.date(2025, 1, 1),
        )

    assert exc.value.message_dict == {
        "site": ["Ce site n'appartient pas à ce client."],
        "financing_ends_on": ["La fin du financement doit être postérieure ou égale à son début."],
    }
