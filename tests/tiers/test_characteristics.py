"""Characteristic values (admin-defined custom fields): the service's checks by kind, the form
builder and the display selector. Generic: the record here is a third party."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django_scopes import scope

from crm.models import AuditEntry
from tests.factories import member
from tests.tiers.factories_characteristics import (
    CharacteristicFieldFactory,
    CharacteristicGroupFactory,
    fields_of_every_kind,
)
from tests.tiers.factories_sites_banks import CustomerFactory
from tiers.forms.characteristics import characteristics_form
from tiers.models import CharacteristicTarget, CharacteristicValue
from tiers.models.characteristics import FieldKind
from tiers.selectors_characteristics import characteristics_for
from tiers.services.characteristics import characteristic_key, characteristic_values_set

TP = CharacteristicTarget.THIRD_PARTY


@pytest.fixture
def fields(tenant):
    return fields_of_every_kind(tenant)


@pytest.fixture
def record(tenant):
    return CustomerFactory(tenant=tenant)


def _set(tenant, record, values, *, target=TP, actor=None):
    with scope(tenant=tenant):
        return characteristic_values_set(
            tenant=tenant, actor=actor, record=record, target=target, values=values
        )


def _rows(tenant, record) -> dict[str, CharacteristicValue]:
    with scope(tenant=tenant):
        return {
            row.field.code: row
            for row in CharacteristicValue.objects.filter(tenant=tenant, object_id=record.pk).select_related(
                "field"
            )
        }


def _refusal(tenant, record, field, value) -> list[str]:
    with pytest.raises(ValidationError) as error:
        _set(tenant, record, {field.pk: value})
    return error.value.message_dict[characteristic_key(field)]


# --- Accepted values, one column per kind ---------------------------------------------------------


def test_values_set_writes_only_the_column_of_each_kind_and_audits(tenant, fields, record):
    actor = member(tenant, "Commercial")

    changes = _set(
        tenant,
        record,
        {
            fields["text"].pk: "  Livraison par l'arrière ",
            fields["number"].pk: "12,5",
            fields["date"].pk: "31/12/2026",
            fields["choice"].pk: "Ricoh",
            fields["boolean"].pk: "oui",
        },
        actor=actor,
    )

    rows = _rows(tenant, record)
    assert rows["TEXT"].value_text == "Livraison par l'arrière"
    assert (rows["TEXT"].value_number, rows["TEXT"].value_date, rows["TEXT"].value_bool) == (None, None, None)
    assert rows["NUMBER"].value_number == Decimal("12.5") and rows["NUMBER"].value_text == ""
    assert rows["DATE"].value_date == datetime.date(2026, 12, 31)
    assert rows["CHOICE"].value_text == "Ricoh"
    assert rows["BOOLEAN"].value_bool is True and rows["BOOLEAN"].value_number is None
    assert changes["PARC.NUMBER"] == [None, "12.5"]
    with scope(tenant=tenant):
        entry = AuditEntry.objects.get(action="characteristics.update")
    assert entry.actor == actor and entry.object_id == str(record.pk)
    assert entry.changes["PARC.DATE"] == [None, "2026-12-31"]
    assert entry.content_type == ContentType.objects.get_for_model(record)


def test_values_set_accepts_typed_values(tenant, fields, record):
    _set(
        tenant,
        record,
        {
            fields["number"].pk: Decimal("3"),
            fields["date"].pk: datetime.date(2027, 1, 15),
            fields["boolean"].pk: False,
        },
    )

    rows = _rows(tenant, record)
    assert rows["NUMBER"].value_number == Decimal("3")
    assert rows["DATE"].value_date == datetime.date(2027, 1, 15)
    assert rows["BOOLEAN"].value_bool is False


def test_values_set_deletes_emptied_values_and_keeps_fields_left_out(tenant, fields, record):
    _set(tenant, record, {fields["text"].pk: "A", fields["number"].pk: "4"})

    changes = _set(tenant, record, {fields["text"].pk: "  "})

    assert set(_rows(tenant, record)) == {"NUMBER"}
    assert changes == {"PARC.TEXT": ["A", None]}


def test_values_set_without_change_writes_no_audit_entry(tenant, fields, record):
    _set(tenant, record, {fields["number"].pk: "4"})

    changes = _set(tenant, record, {fields["number"].pk: "4,0"})

    assert changes == {}
    with scope(tenant=tenant):
        assert AuditEntry.objects.filter(action="characteristics.update").count() == 1


# --- Refused values, with their message -----------------------------------------------------------


@pytest.mark.parametrize("value", ["douze", "1,2,3", "NaN", "Infinity", True])
def test_number_refused_when_not_a_number(tenant, fields, record, value):
    assert _refusal(tenant, record, fields["number"], value) == ["Saisissez un nombre."]


@pytest.mark.parametrize("value", ["1,23456", "123456789012345"])
def test_number_refused_when_too_long(tenant, fields, record, value):
    assert _refusal(tenant, record, fields["number"], value) == [
        "Saisissez un nombre d'au plus 14 chiffres avant la virgule et 4 après."
    ]


@pytest.mark.parametrize("value", ["31/02/2026", "demain", "2026-13-01"])
def test_date_refused_when_not_a_date(tenant, fields, record, value):
    assert _refusal(tenant, record, fields["date"], value) == ["Saisissez une date valide (JJ/MM/AAAA)."]


def test_choice_refused_out_of_the_list(tenant, fields, record):
    assert _refusal(tenant, record, fields["choice"], "Xerox") == ["Valeur hors de la liste proposée."]


def test_boolean_refused_when_not_yes_or_no(tenant, fields, record):
    assert _refusal(tenant, record, fields["boolean"], "peut-être") == ["Répondez par oui ou par non."]


def test_text_refused_when_too_long(tenant, fields, record):
    assert _refusal(tenant, record, fields["text"], "x" * 501) == ["Saisissez au plus 500 caractères."]


def test_required_field_refused_when_empty_and_accepted_when_given(tenant, record):
    required = fields_of_every_kind(tenant, required=True)

    for field in required.values():
        assert _refusal(tenant, record, field, "") == ["Ce champ est obligatoire."]
    _set(tenant, record, {required["boolean"].pk: "non"})

    assert _rows(tenant, record)["BOOLEAN"].value_bool is False


def test_a_refusal_writes_nothing(tenant, fields, record):
    with pytest.raises(ValidationError):
        _set(tenant, record, {fields["text"].pk: "ok", fields["number"].pk: "douze"})

    assert _rows(tenant, record) == {}


def test_field_of_another_tenant_is_never_used(tenant, other_tenant, record):
    foreign = CharacteristicFieldFactory(group__tenant=other_tenant)

    with pytest.raises(ValidationError) as error:
        _set(tenant, record, {foreign.pk: "valeur"})

    assert error.value.message_dict["__all__"] == [
        "Cette caractéristique n'existe pas ou ne s'applique pas à cette fiche."
    ]
    with scope(tenant=other_tenant):
        assert not CharacteristicValue.objects.filter(tenant=other_tenant).exists()


def test_field_of_another_target_or_inactive_group_is_refused(tenant, record):
    asset_field = CharacteristicFieldFactory(
        tenant=tenant, group=CharacteristicGroupFactory(tenant=tenant, target="competitor_asset")
    )
    inactive = CharacteristicFieldFactory(
        tenant=tenant, group=CharacteristicGroupFactory(tenant=tenant, is_active=False)
    )

    for field in (asset_field, inactive):
        with pytest.raises(ValidationError, match="ne s'applique pas"):
            _set(tenant, record, {field.pk: "x"})


def test_record_of_another_tenant_is_refused(tenant, other_tenant, fields):
    foreign = CustomerFactory(tenant=other_tenant)

    with pytest.raises(ValueError):
        _set(tenant, foreign, {fields["text"].pk: "x"})


# --- The form builder -----------------------------------------------------------------------------


def test_form_has_one_typed_field_per_field_in_fieldsets_by_group(tenant, fields, record):
    other_group = CharacteristicGroupFactory(tenant=tenant, code="ORGA", label="Organisation", position=99)
    CharacteristicFieldFactory(tenant=tenant, group=other_group, label="Effectif", kind=FieldKind.NUMBER)
    CharacteristicFieldFactory(
        tenant=tenant, group=CharacteristicGroupFactory(tenant=tenant, is_active=False)
    )

    with scope(tenant=tenant):
        form = characteristics_form(tenant=tenant, record=record, target=TP)

    assert [(fs.label, [f.label for f in fs.fields]) for fs in form.fieldsets()] == [
        (
            "Parc installé",
            [
                "Remarque",
                "Nombre de copieurs",
                "Fin de contrat concurrent",
                "Marque principale",
                "Appel d'offres public",
            ],
        ),
        ("Organisation", ["Effectif"]),
    ]
    kinds = {name: type(field).__name__ for name, field in form.fields.items()}
    assert kinds[characteristic_key(fields["number"])] == "DecimalField"
    assert kinds[characteristic_key(fields["date"])] == "DateField"
    assert kinds[characteristic_key(fields["choice"])] == "ChoiceField"
    assert kinds[characteristic_key(fields["boolean"])] == "TypedChoiceField"
    assert kinds[characteristic_key(fields["text"])] == "CharField"
    assert form.fields[characteristic_key(fields["choice"])].choices == [
        ("", "—"),
        ("Canon", "Canon"),
        ("Ricoh", "Ricoh"),
        ("Sharp", "Sharp"),
    ]


def test_form_shows_current_values_and_gives_typed_values(tenant, fields, record):
    _set(tenant, record, {fields["number"].pk: "7", fields["boolean"].pk: False})
    data = {
        characteristic_key(fields["text"]): "Note",
        characteristic_key(fields["number"]): "8,25",
        characteristic_key(fields["date"]): "2026-06-30",
        characteristic_key(fields["choice"]): "Canon",
        characteristic_key(fields["boolean"]): "true",
    }

    with scope(tenant=tenant):
        shown = characteristics_form(tenant=tenant, record=record, target=TP)
        posted = characteristics_form(tenant=tenant, record=record, target=TP, data=data)
        assert posted.is_valid(), posted.errors

    assert shown.initial[characteristic_key(fields["number"])] == Decimal("7.0000")
    assert shown.initial[characteristic_key(fields["boolean"])] == "false"
    assert posted.values() == {
        fields["text"].pk: "Note",
        fields["number"].pk: Decimal("8.25"),
        fields["date"].pk: datetime.date(2026, 6, 30),
        fields["choice"].pk: "Canon",
        fields["boolean"].pk: True,
    }


def test_form_refuses_with_french_messages(tenant, record):
    required = fields_of_every_kind(tenant, required=True)
    data = {
        characteristic_key(required["number"]): "douze",
        characteristic_key(required["choice"]): "Xerox",
        characteristic_key(required["date"]): "bientôt",
    }

    with scope(tenant=tenant):
        form = characteristics_form(tenant=tenant, record=record, target=TP, data=data)
        assert not form.is_valid()

    assert form.errors[characteristic_key(required["number"])] == ["Saisissez un nombre."]
    assert form.errors[characteristic_key(required["choice"])] == ["Valeur hors de la liste proposée."]
    assert form.errors[characteristic_key(required["date"])] == ["Saisissez une date valide (JJ/MM/AAAA)."]
    assert form.errors[characteristic_key(required["text"])] == ["Ce champ est obligatoire."]
    assert form.errors[characteristic_key(required["boolean"])] == ["Ce champ est obligatoire."]


# --- The display selector -------------------------------------------------------------------------


def test_characteristics_for_gives_french_display_values(tenant, fields, record):
    _set(
        tenant,
        record,
        {
            fields["number"].pk: "1234,5",
            fields["date"].pk: "05/03/2026",
            fields["choice"].pk: "Sharp",
            fields["boolean"].pk: "non",
        },
    )

    with scope(tenant=tenant):
        groups = characteristics_for(tenant=tenant, record=record, target=TP)

    assert [(group.label, [(row.label, row.value) for row in group.rows]) for group in groups] == [
        (
            "Parc installé",
            [
                ("Remarque", ""),
                ("Nombre de copieurs", "1234,5"),
                ("Fin de contrat concurrent", "05/03/2026"),
                ("Marque principale", "Sharp"),
                ("Appel d'offres public", "Non"),
            ],
        )
    ]


def test_characteristics_for_synthese_keeps_fields_visible_in_synthese(tenant, record):
    group = CharacteristicGroupFactory(tenant=tenant, label="Suivi")
    CharacteristicFieldFactory(tenant=tenant, group=group, label="Visible")
    CharacteristicFieldFactory(tenant=tenant, group=group, label="Interne", visible_in_synthese=False)
    hidden_group = CharacteristicGroupFactory(tenant=tenant, label="Tout interne")
    CharacteristicFieldFactory(tenant=tenant, group=hidden_group, label="Caché", visible_in_synthese=False)

    with scope(tenant=tenant):
        page = characteristics_for(tenant=tenant, record=record, target=TP)
        synthese = characteristics_for(tenant=tenant, record=record, target=TP, synthese_only=True)

    assert [[row.label for row in group.rows] for group in page] == [
        ["Visible", "Interne"],
        ["Caché"],
    ]
    assert [(group.label, [row.label for row in group.rows]) for group in synthese] == [
        ("Suivi", ["Visible"])
    ]


def test_characteristics_for_ignores_other_tenants_and_targets(tenant, other_tenant, record):
    CharacteristicFieldFactory(tenant=other_tenant)
    CharacteristicFieldFactory(
        tenant=tenant, group=CharacteristicGroupFactory(tenant=tenant, target="competitor_asset")
    )

    with scope(tenant=tenant):
        assert characteristics_for(tenant=tenant, record=record, target=TP) == []


def test_characteristics_for_runs_two_queries_whatever_the_size(tenant, record, django_assert_num_queries):
    for _index in range(3):
        group = CharacteristicGroupFactory(tenant=tenant)
        for _field in range(4):
            field = CharacteristicFieldFactory(tenant=tenant, group=group, kind=FieldKind.NUMBER)
            _set(tenant, record, {field.pk: "1"})
    ContentType.objects.get_for_model(record)  # Django caches content types per process

    with scope(tenant=tenant), django_assert_num_queries(2):
        groups = characteristics_for(tenant=tenant, record=record, target=TP)

    assert sum(len(group.rows) for group in groups) == 12


def test_target_kind_keeps_groups_of_that_kind_and_of_every_kind(tenant, record):
    every = CharacteristicGroupFactory(tenant=tenant, label="Tous types", target="competitor_asset")
    copiers = CharacteristicGroupFactory(
        tenant=tenant, label="Copieurs", target="competitor_asset", target_kind="COPIEUR"
    )
    phones = CharacteristicGroupFactory(
        tenant=tenant, label="Téléphonie", target="competitor_asset", target_kind="TEL"
    )
    for group in (every, copiers, phones):
        CharacteristicFieldFactory(tenant=tenant, group=group)

    with scope(tenant=tenant):
        groups = characteristics_for(
            tenant=tenant, record=record, target="competitor_asset", target_kind="COPIEUR"
        )
        refused = phones.fields.get()
        with pytest.raises(ValidationError, match="ne s'applique pas"):
            characteristic_values_set(
                tenant=tenant,
                actor=None,
                record=record,
                target="competitor_asset",
                values={refused.pk: "x"},
                target_kind="COPIEUR",
            )

    assert [group.label for group in groups] == ["Tous types", "Copieurs"]
