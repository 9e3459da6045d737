"""Services of the prospect lifecycle: validate a draft prospect, convert a prospect to a customer."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from crm.events import domain_events
from crm.models import AuditEntry
from tests.factories import member
from tests.tiers.factories_lifecycle import (
    AxisFactory,
    FamilyFactory,
    PaymentTermFactory,
    ProspectFactory,
    family_set,
)
from tests.tiers.factories_third_parties import TPFactory
from tiers.models import Lifecycle, ThirdParty, ThirdPartyStatisticalFamily
from tiers.selectors import customers_visible, prospects_visible
from tiers.services.lifecycle import (
    conversion_missing,
    family_field,
    prospect_convert,
    prospect_validate,
)

MISSING = "Ce champ est obligatoire pour transformer le prospect en client."


@pytest.fixture
def actor(tenant):
    return member(tenant, "Commercial")


@pytest.fixture
def axes(in_tenant):
    """Two active axes (with their families) and an inactive one that never blocks a conversion."""
    first = AxisFactory(tenant=in_tenant, code="FS1", label="Famille statistique 1", position=1)
    second = AxisFactory(tenant=in_tenant, code="FS2", label="Famille statistique 2", position=2)
    AxisFactory(tenant=in_tenant, code="OLD", label="Ancien axe", position=3, is_active=False)
    return {
        "first": first,
        "second": second,
        "first_family": FamilyFactory(tenant=in_tenant, axis=first, label="Revendeur"),
        "second_family": FamilyFactory(tenant=in_tenant, axis=second, label="Grand compte"),
    }


def _audit(tenant, action: str, third_party) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(tenant=tenant, action=action, object_id=str(third_party.pk)))


def _complete(tenant, third_party, axes):
    """Give ``third_party`` everything the conversion needs."""
    family_set(third_party, axes["first_family"])
    family_set(third_party, axes["second_family"])
    ThirdParty.objects.filter(pk=third_party.pk).update(
        accounting_code="411DUPONT", payment_term=PaymentTermFactory(tenant=tenant)
    )
    return ThirdParty.objects.get(pk=third_party.pk)


# --- Validate -------------------------------------------------------------------------------------


def test_prospect_validate_turns_a_draft_into_a_validated_prospect(in_tenant, actor):
    prospect = ProspectFactory(tenant=in_tenant)

    prospect_validate(tenant=in_tenant, actor=actor, third_party=prospect)

    assert ThirdParty.objects.get(pk=prospect.pk).lifecycle == Lifecycle.PROSPECT_VALIDATED
    [entry] = _audit(in_tenant, "third_party.validate", prospect)
    assert (entry.actor, entry.changes) == (actor, {"lifecycle": ["prospect_draft", "prospect_validated"]})


@pytest.mark.parametrize(
    ("lifecycle", "message"),
    [
        (Lifecycle.PROSPECT_VALIDATED, "Ce prospect est déjà validé."),
        (Lifecycle.CUSTOMER, "Ce tiers est déjà client."),
    ],
)
def test_prospect_validate_refused_unless_draft(in_tenant, actor, lifecycle, message):
    third_party = TPFactory(tenant=in_tenant, lifecycle=lifecycle)

    with pytest.raises(ValidationError) as exc:
        prospect_validate(tenant=in_tenant, actor=actor, third_party=third_party)

    assert exc.value.messages == [message]
    assert ThirdParty.objects.get(pk=third_party.pk).lifecycle == lifecycle
    assert _audit(in_tenant, "third_party.validate", third_party) == []


# --- What is missing ------------------------------------------------------------------------------


def test_conversion_missing_lists_each_active_axis_the_accounting_code_and_the_payment_term(in_tenant, axes):
    prospect = ProspectFactory(tenant=in_tenant)
    family_set(prospect, axes["second_family"])

    missing = conversion_missing(prospect)

    assert missing == [
        (family_field(axes["first"].pk), "Famille statistique 1"),
        ("accounting_code", "Code comptable"),
        ("payment_term", "Condition de paiement"),
    ]


def test_conversion_missing_is_empty_once_everything_is_there(in_tenant, axes):
    prospect = _complete(in_tenant, ProspectFactory(tenant=in_tenant), axes)

    assert conversion_missing(prospect) == []


# --- Convert --------------------------------------------------------------------------------------


def test_prospect_convert_refused_while_data_is_missing_and_saves_nothing(in_tenant, actor, axes):
    prospect = ProspectFactory(tenant=in_tenant, lifecycle=Lifecycle.PROSPECT_VALIDATED)

    with pytest.raises(ValidationError) as exc:
        prospect_convert(
            tenant=in_tenant,
            actor=actor,
            third_party=prospect,
            data={family_field(axes["first"].pk): axes["first_family"], "accounting_code": "411ACME"},
        )

    assert exc.value.message_dict == {
        family_field(axes["second"].pk): [MISSING],
        "payment_term": [MISSING],
    }
    saved = ThirdParty.objects.get(pk=prospect.pk)
    assert (saved.lifecycle, saved.accounting_code, saved.client_since) == (
        Lifecycle.PROSPECT_VALIDATED,
        "",
        None,
    )
    assert not ThirdPartyStatisticalFamily.objects.filter(third_party=prospect).exists()
    assert AuditEntry.objects.filter(tenant=in_tenant, object_id=str(prospect.pk)).count() == 0


def test_prospect_convert_refused_without_payment_terms(in_tenant, actor, axes):
    prospect = _complete(
        in_tenant, ProspectFactory(tenant=in_tenant, lifecycle=Lifecycle.PROSPECT_VALIDATED), axes
    )
    ThirdParty.objects.filter(pk=prospect.pk).update(payment_term=None)

    with pytest.raises(ValidationError) as exc:
        prospect_convert(tenant=in_tenant, actor=actor, third_party=prospect)

    assert exc.value.message_dict == {"payment_term": [MISSING]}


def test_prospect_convert_saves_the_missing_data_and_converts(in_tenant, actor, axes):
    prospect = ProspectFactory(tenant=in_tenant, lifecycle=Lifecycle.PROSPECT_VALIDATED)
    family_set(prospect, axes["second_family"])
    term = PaymentTermFactory(tenant=in_tenant)
    emitted = []

    def handler(**payload):
        emitted.append(payload)

    domain_events.subscribe("third_party.converted", handler)
    try:
        customer = prospect_convert(
            tenant=in_tenant,
            actor=actor,
            third_party=prospect,
            data={
                family_field(axes["first"].pk): axes["first_family"],
                "accounting_code": " 411ACME ",
                "payment_term": term,
            },
        )
    finally:
        domain_events.unsubscribe("third_party.converted", handler)

    saved = ThirdParty.objects.get(pk=prospect.pk)
    assert (saved.lifecycle, saved.accounting_code, saved.payment_term) == (
        Lifecycle.CUSTOMER,
        "411ACME",
        term,
    )
    assert saved.client_since == timezone.localdate()
    assert set(
        ThirdPartyStatisticalFamily.objects.filter(third_party=prospect).values_list("family", flat=True)
    ) == {
        axes["first_family"].pk,
        axes["second_family"].pk,
    }
    [entry] = _audit(in_tenant, "third_party.convert", prospect)
    assert entry.changes == {
        "lifecycle": ["prospect_validated", "customer"],
        "client_since": [None, timezone.localdate().isoformat()],
    }
    assert len(_audit(in_tenant, "third_party.terms_update", prospect)) == 1
    assert emitted == [{"tenant": in_tenant, "actor": actor, "third_party": customer}]
    assert list(prospects_visible(tenant=in_tenant, user=actor)) == []
    assert list(customers_visible(tenant=in_tenant, user=actor)) == [saved]


def test_prospect_convert_keeps_an_existing_client_since(in_tenant, actor, axes):
    since = datetime.date(2019, 3, 1)
    prospect = _complete(
        in_tenant,
        ProspectFactory(tenant=in_tenant, lifecycle=Lifecycle.PROSPECT_VALIDATED, client_since=since),
        axes,
    )

    prospect_convert(tenant=in_tenant, actor=actor, third_party=prospect)

    assert ThirdParty.objects.get(pk=prospect.pk).client_since == since
    assert _audit(in_tenant, "third_party.convert", prospect)[0].changes == {
        "lifecycle": ["prospect_validated", "customer"]
    }


def test_prospect_convert_validates_a_draft_implicitly_for_a_user_who_may_validate(in_tenant, actor, axes):
    prospect = _complete(in_tenant, ProspectFactory(tenant=in_tenant), axes)

    prospect_convert(tenant=in_tenant, actor=actor, third_party=prospect)

    assert ThirdParty.objects.get(pk=prospect.pk).lifecycle == Lifecycle.CUSTOMER
    [validation] = _audit(in_tenant, "third_party.validate", prospect)
    assert validation.reason == "Validation implicite lors de la transformation en client."
    assert _audit(in_tenant, "third_party.convert", prospect)[0].changes["lifecycle"] == [
        "prospect_draft",
        "customer",
    ]


def test_prospect_convert_refused_for_a_draft_when_the_user_may_not_validate(in_tenant, axes):
    technician = member(in_tenant, "Technicien")
    prospect = _complete(in_tenant, ProspectFactory(tenant=in_tenant), axes)

    with pytest.raises(ValidationError) as exc:
        prospect_convert(tenant=in_tenant, actor=technician, third_party=prospect)

    assert exc.value.messages == [
        "Ce prospect est encore brouillon : il doit être validé avant d'être transformé en client."
    ]
    assert ThirdParty.objects.get(pk=prospect.pk).lifecycle == Lifecycle.PROSPECT_DRAFT


def test_prospect_convert_refused_for_a_customer(in_tenant, actor, axes):
    customer = _complete(in_tenant, TPFactory(tenant=in_tenant), axes)

    with pytest.raises(ValidationError) as exc:
        prospect_convert(tenant=in_tenant, actor=actor, third_party=customer)

    assert exc.value.messages == ["Ce tiers est déjà client."]


def test_prospect_convert_refuses_a_family_of_another_axis(in_tenant, actor, axes):
    prospect = ProspectFactory(tenant=in_tenant, lifecycle=Lifecycle.PROSPECT_VALIDATED)
    field = family_field(axes["first"].pk)

    with pytest.raises(ValidationError) as exc:
        prospect_convert(
            tenant=in_tenant, actor=actor, third_party=prospect, data={field: axes["second_family"]}
        )

    assert exc.value.message_dict == {field: ["Valeur inconnue ou inactive dans cette liste."]}


def test_prospect_convert_refuses_an_inactive_payment_term(in_tenant, actor, axes):
    prospect = ProspectFactory(tenant=in_tenant, lifecycle=Lifecycle.PROSPECT_VALIDATED)
    inactive = PaymentTermFactory(tenant=in_tenant, is_active=False)

    with pytest.raises(ValidationError) as exc:
        prospect_convert(tenant=in_tenant, actor=actor, third_party=prospect, data={"payment_term": inactive})

    assert exc.value.message_dict == {"payment_term": ["Condition de paiement inconnue ou inactive."]}
    assert ThirdParty.objects.get(pk=prospect.pk).payment_term_id is None


def test_prospect_convert_refuses_unknown_keys(in_tenant, actor):
    prospect = ProspectFactory(tenant=in_tenant)

    with pytest.raises(TypeError):
        prospect_convert(tenant=in_tenant, actor=actor, third_party=prospect, data={"name": "X"})
