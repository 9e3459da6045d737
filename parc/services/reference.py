"""Per-tenant reference data of the parc app: meter types (grandeurs, stable codes NOIR, COULEUR...)
and contract types (extension de garantie, garantie de base constructeur, location, maintenance).

``parc_reference_ensure`` creates the missing defaults and never touches a row an administrator
already has (labels edited in the Django admin are kept). Called by the demo and usable by any
tenant set-up.
"""

from __future__ import annotations

from django.db import transaction

from crm.models import Company
from parc.models import BLACK, COLOUR, ContractType, MeterType

# (code, label, position)
DEFAULT_METER_TYPES = (
    (BLACK, "Noir et blanc", 1),
    (COLOUR, "Couleur", 2),
    ("SCAN", "Numérisation", 3),
    ("FAX", "Fax", 4),
)
# (code, label, is_warranty)
WARRANTY_EXTENSION = "EXT_GARANTIE"
MANUFACTURER_WARRANTY = "GARANTIE_BASE"
RENTAL = "LOCATION"
MAINTENANCE = "MAINTENANCE"
DEFAULT_CONTRACT_TYPES = (
    (WARRANTY_EXTENSION, "Extension de garantie", True),
    (MANUFACTURER_WARRANTY, "Garantie de base constructeur", True),
    (RENTAL, "Location", False),
    (MAINTENANCE, "Maintenance", False),
)


@transaction.atomic
def parc_reference_ensure(tenant: Company) -> None:
    """Create the tenant's default meter types and contract types that are missing (idempotent)."""
    MeterType.objects.bulk_create(
        [
            MeterType(tenant=tenant, code=code, label=label, position=position)
            for code, label, position in DEFAULT_METER_TYPES
        ],
        ignore_conflicts=True,
    )
    ContractType.objects.bulk_create(
        [
            ContractType(tenant=tenant, code=code, label=label, is_warranty=is_warranty)
            for code, label, is_warranty in DEFAULT_CONTRACT_TYPES
        ],
        ignore_conflicts=True,
    )
