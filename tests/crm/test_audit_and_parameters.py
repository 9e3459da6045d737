import pytest
from django.core.exceptions import ValidationError

from crm.models import AuditEntry
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from crm.services.parameters import (
    NOMBRE_MOIS_SYNTHESE_CLIENT,
    SUIVI_COMMERCIAL_CLOISONNEMENT,
    parameter_get,
    parameter_set,
)
from tests.factories import BusinessLineFactory, member


def test_audit_records_who_what_before_after_and_why(in_tenant):
    user = member(in_tenant, "Administrateur")
    line = BusinessLineFactory(tenant=in_tenant, name="Impression")
    before = audit_snapshot(line, ["name", "code"])
    line.name = "Impression & copieurs"
    line.save()

    entry = audit_record(
        tenant=in_tenant,
        actor=user,
        action="businessline.update",
        instance=line,
        changes=audit_changes(before, audit_snapshot(line, ["name", "code"])),
        reason="Renommage",
    )

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor == user
    assert stored.object_id == str(line.pk)
    assert stored.changes == {"name": ["Impression", "Impression & copieurs"]}
    assert stored.reason == "Renommage"
    assert stored.created_at.tzinfo is not None


def test_parameters_have_typed_defaults(in_tenant):
    assert parameter_get(tenant=in_tenant, key=NOMBRE_MOIS_SYNTHESE_CLIENT) == 12
    assert parameter_get(tenant=in_tenant, key=SUIVI_COMMERCIAL_CLOISONNEMENT) is True


def test_parameter_set_is_per_tenant_and_audited(in_tenant, other_tenant):
    parameter_set(tenant=in_tenant, key=NOMBRE_MOIS_SYNTHESE_CLIENT, value=24)
    assert parameter_get(tenant=in_tenant, key=NOMBRE_MOIS_SYNTHESE_CLIENT) == 24
    assert AuditEntry.objects.filter(action="parameter.set").count() == 1
    from django_scopes import scope

    with scope(tenant=other_tenant):
        assert parameter_get(tenant=other_tenant, key=NOMBRE_MOIS_SYNTHESE_CLIENT) == 12


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (NOMBRE_MOIS_SYNTHESE_CLIENT, "douze", "La valeur doit être un nombre entier."),
        (NOMBRE_MOIS_SYNTHESE_CLIENT, 0, "La valeur doit être au moins 1."),
        (NOMBRE_MOIS_SYNTHESE_CLIENT, 500, "La valeur doit être au plus 120."),
        (SUIVI_COMMERCIAL_CLOISONNEMENT, "oui", "La valeur doit être oui ou non."),
    ],
)
def test_parameter_set_refuses_bad_values_with_a_french_message(in_tenant, key, value, message):
    with pytest.raises(ValidationError) as error:
        parameter_set(tenant=in_tenant, key=key, value=value)
    assert error.value.messages == [message]
    assert parameter_get(tenant=in_tenant, key=key) in (12, True)
