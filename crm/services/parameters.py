"""Per-tenant parameters, read through one typed accessor with defaults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from crm.models import Company, Parameter
from crm.services.audit import audit_record

NOMBRE_MOIS_SYNTHESE_CLIENT = "NOMBRE_MOIS_SYNTHESE_CLIENT"
SUIVI_COMMERCIAL_CLOISONNEMENT = "SUIVI_COMMERCIAL_CLOISONNEMENT"


@dataclass(frozen=True)
class ParameterDefinition:
    key: str
    label: str
    type: type
    default: Any
    minimum: int | None = None
    maximum: int | None = None


DEFINITIONS: dict[str, ParameterDefinition] = {
    d.key: d
    for d in (
        ParameterDefinition(
            NOMBRE_MOIS_SYNTHESE_CLIENT,
            _("Période d'historique de la synthèse client (mois)"),
            int,
            12,
            1,
            120,
        ),
        ParameterDefinition(
            SUIVI_COMMERCIAL_CLOISONNEMENT,
            _("Restreindre le suivi commercial aux organisations et activités de l'utilisateur"),
            bool,
            True,
        ),
    )
}


def _definition(key: str) -> ParameterDefinition:
    try:
        return DEFINITIONS[key]
    except KeyError:
        raise LookupError(f"Unknown parameter {key!r}") from None


def parameter_get(*, tenant: Company, key: str) -> Any:
    """The tenant's value of ``key``, or its default when the tenant never set it."""
    definition = _definition(key)
    row = Parameter.objects.filter(tenant=tenant, key=key).values_list("value", flat=True).first()
    return definition.default if row is None else definition.type(row)


def parameter_clean(key: str, value: Any) -> Any:
    definition = _definition(key)
    if definition.type is bool:
        if not isinstance(value, bool):
            raise ValidationError(_("La valeur doit être oui ou non."), code="invalid")
        return value
    if definition.type is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(_("La valeur doit être un nombre entier."), code="invalid")
        if definition.minimum is not None and value < definition.minimum:
            raise ValidationError(
                _("La valeur doit être au moins %(min)s."),
                code="min_value",
                params={"min": definition.minimum},
            )
        if definition.maximum is not None and value > definition.maximum:
            raise ValidationError(
                _("La valeur doit être au plus %(max)s."),
                code="max_value",
                params={"max": definition.maximum},
            )
        return value
    return definition.type(value)


@transaction.atomic
def parameter_set(*, tenant: Company, key: str, value: Any, actor=None) -> Parameter:
    """Validate and store a parameter value for the tenant; audited."""
    cleaned = parameter_clean(key, value)
    before = parameter_get(tenant=tenant, key=key)
    row, _created = Parameter.objects.update_or_create(tenant=tenant, key=key, defaults={"value": cleaned})
    if before != cleaned:
        audit_record(
            tenant=tenant, actor=actor, action="parameter.set", instance=row, changes={key: [before, cleaned]}
        )
    return row
