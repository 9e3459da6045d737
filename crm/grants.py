"""What each role may do with the core's own models (DESIGN.md §4 is the contract)."""

from crm.rights import ADMINISTRATEUR, ALL, COMMERCIAL, MANAGER, TECHNICIEN, VIEW

_BUSINESS_REFERENCE = [
    ("businessline", VIEW),
    ("internalorganisation", VIEW),
    ("country", VIEW),
    ("currency", VIEW),
]

GRANTS = {
    COMMERCIAL: [
        *_BUSINESS_REFERENCE,
        ("exportjob", ("view", "add")),
        "crm.export_data",
        "crm.validate_prospect",
    ],
    TECHNICIEN: [*_BUSINESS_REFERENCE, "crm.reveal_secret"],
    MANAGER: [
        *_BUSINESS_REFERENCE,
        ("exportjob", ("view", "add")),
        ("auditentry", VIEW),
        "crm.export_data",
        "crm.reveal_secret",
        "crm.view_closed_accounts",
        "crm.validate_prospect",
        "crm.merge_thirdparty",
        "crm.delete_thirdparty",
    ],
    ADMINISTRATEUR: [
        ("businessline", ALL),
        ("internalorganisation", ALL),
        ("country", ALL),
        ("currency", ALL),
        ("parameter", ALL),
        ("membership", ALL),
        ("company", ("view", "change")),
        ("exportjob", ("view", "add")),
        ("auditentry", VIEW),
        "crm.export_data",
        "crm.reveal_secret",
        "crm.view_closed_accounts",
        "crm.validate_prospect",
        "crm.merge_thirdparty",
        "crm.delete_thirdparty",
        "crm.manage_parameters",
    ],
}
