"""Factories of the characteristic groups tests (admin-defined custom fields)."""

from __future__ import annotations

import factory

from tests.factories import CompanyFactory, TenantFactory
from tiers import models as tiers
from tiers.models.characteristics import FieldKind


class CharacteristicGroupFactory(TenantFactory):
    class Meta:
        model = tiers.CharacteristicGroup

    tenant = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"GRP{n}")
    label = factory.Sequence(lambda n: f"Groupe {n}")
    target = tiers.CharacteristicTarget.THIRD_PARTY
    position = factory.Sequence(lambda n: n + 1)


class CharacteristicFieldFactory(TenantFactory):
    class Meta:
        model = tiers.CharacteristicField

    group = factory.SubFactory(CharacteristicGroupFactory)
    tenant = factory.SelfAttribute("group.tenant")
    code = factory.Sequence(lambda n: f"CAR{n}")
    label = factory.Sequence(lambda n: f"Caractéristique {n}")
    kind = FieldKind.TEXT
    position = factory.Sequence(lambda n: n + 1)


def fields_of_every_kind(
    tenant, *, group=None, required: bool = False
) -> dict[str, tiers.CharacteristicField]:
    """One field per kind in ``group`` (a new third-party group by default), keyed by kind."""
    group = group or CharacteristicGroupFactory(tenant=tenant, code="PARC", label="Parc installé")
    labels = {
        FieldKind.TEXT: "Remarque",
        FieldKind.NUMBER: "Nombre de copieurs",
        FieldKind.DATE: "Fin de contrat concurrent",
        FieldKind.CHOICE: "Marque principale",
        FieldKind.BOOLEAN: "Appel d'offres public",
    }
    return {
        kind: CharacteristicFieldFactory(
            tenant=tenant,
            group=group,
            code=kind.upper(),
            label=label,
            kind=kind,
            choices="Canon\nRicoh\nSharp" if kind == FieldKind.CHOICE else "",
            is_required=required,
            position=position,
        )
        for position, (kind, label) in enumerate(labels.items(), start=1)
    }
