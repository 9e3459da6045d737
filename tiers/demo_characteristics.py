"""Demo data of the characteristic groups area: per company, two groups of custom fields for
third parties (one field of each kind, some hidden from the synthèse) and one for competitor
assets (used by parc), then values on the first customers.

Idempotent: groups and fields are get_or_create; values are added only to a company that has none.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from crm.demo import DemoContext

# (code, label, target, position): [(code, label, kind, choices, required, visible in synthèse)]
GROUPS = {
    ("PARC", "Parc et équipement", "third_party", 1): [
        ("NB_COPIEURS", "Nombre de copieurs", "number", "", False, True),
        (
            "MARQUE",
            "Marque principale",
            "choice",
            "Canon\nRicoh\nKonica Minolta\nSharp\nKyocera\nXerox",
            False,
            True,
        ),
        ("FIN_CONTRAT", "Fin du contrat concurrent", "date", "", False, True),
        ("AO_PUBLIC", "Soumis aux appels d'offres publics", "boolean", "", False, False),
    ],
    ("ORGA", "Organisation", "third_party", 2): [
        ("EFFECTIF", "Effectif", "number", "", False, True),
        ("ACHATS_CENTRAL", "Achats centralisés", "boolean", "", False, True),
        ("REMARQUE", "Remarque interne", "text", "", False, False),
    ],
    ("CONC", "Matériel concurrent", "competitor_asset", 1): [
        ("VOLUME", "Volume mensuel constaté", "number", "", False, True),
        ("ETAT", "État", "choice", "Bon\nUsé\nHors service", True, True),
    ],
}
CUSTOMERS = 30  # customers (in pk order) that get values
REMARKS = ["Accueil au 2e étage", "Contact de préférence le matin", "Parking visiteurs à l'arrière"]


def seed(ctx: DemoContext) -> None:
    from crm.services.tenant_binding import tenant_context

    for company in ctx.companies:
        with tenant_context(company):
            fields = _groups(company)
            _values(ctx, company, fields)


def _groups(company) -> dict[str, object]:
    from tiers.models import CharacteristicField, CharacteristicGroup

    fields = {}
    for (code, label, target, position), items in GROUPS.items():
        group, _created = CharacteristicGroup.objects.get_or_create(
            tenant=company, code=code, defaults={"label": label, "target": target, "position": position}
        )
        for index, (field_code, field_label, kind, choices, required, visible) in enumerate(items, start=1):
            fields[field_code], _created = CharacteristicField.objects.get_or_create(
                tenant=company,
                group=group,
                code=field_code,
                defaults={
                    "label": field_label,
                    "kind": kind,
                    "choices": choices,
                    "is_required": required,
                    "visible_in_synthese": visible,
                    "position": index,
                },
            )
    return fields


def _values(ctx: DemoContext, company, fields: dict) -> None:
    from django.contrib.contenttypes.models import ContentType

    from tiers.models import CharacteristicValue, Lifecycle, ThirdParty

    if CharacteristicValue.objects.filter(tenant=company).exists():
        return
    content_type = ContentType.objects.get_for_model(ThirdParty)
    customers = ThirdParty.objects.filter(tenant=company, lifecycle=Lifecycle.CUSTOMER).order_by("pk")
    rng = ctx.rng
    rows = []
    for third_party_id in customers.values_list("pk", flat=True)[:CUSTOMERS]:
        values = {
            "NB_COPIEURS": {"value_number": Decimal(rng.randint(1, 40))},
            "MARQUE": {"value_text": rng.choice(fields["MARQUE"].choice_list)},
            "FIN_CONTRAT": {"value_date": ctx.today + datetime.timedelta(days=rng.randint(30, 900))},
            "AO_PUBLIC": {"value_bool": rng.random() < 0.2},
            "EFFECTIF": {"value_number": Decimal(rng.choice([8, 15, 42, 120, 350, 1200]))},
            "ACHATS_CENTRAL": {"value_bool": rng.random() < 0.5},
            "REMARQUE": {"value_text": rng.choice(REMARKS)},
        }
        rows.extend(
            CharacteristicValue(
                tenant=company,
                field=fields[code],
                content_type=content_type,
                object_id=third_party_id,
                **column,
            )
            for code, column in values.items()
            if rng.random() < 0.8  # not every customer answered every question
        )
    CharacteristicValue.objects.bulk_create(rows, batch_size=1000)
