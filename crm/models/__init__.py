from .audit import AuditEntry
from .counters import Counter
from .exports import ExportJob
from .reference import Country, Currency
from .rights import BusinessPermission
from .search import SearchEntry, SearchKind, SearchToken
from .tenancy import (
    BusinessLine,
    Company,
    InternalOrganisation,
    Licence,
    Membership,
    MembershipBusinessLine,
    MembershipOrganisation,
    Parameter,
    TenantModel,
)

__all__ = [
    "AuditEntry",
    "BusinessLine",
    "BusinessPermission",
    "Company",
    "Counter",
    "Country",
    "Currency",
    "ExportJob",
    "InternalOrganisation",
    "Licence",
    "Membership",
    "MembershipBusinessLine",
    "MembershipOrganisation",
    "Parameter",
    "SearchEntry",
    "SearchKind",
    "SearchToken",
    "TenantModel",
]
