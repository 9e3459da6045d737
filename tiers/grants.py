"""What each role may do with the tiers models (DESIGN.md §4)."""

from crm.rights import ADMINISTRATEUR, ALL, COMMERCIAL, EDIT, MANAGER, TECHNICIEN, VIEW

# Master data a sales rep creates and edits.
_EDITED_BY_SALES = [
    "thirdparty",
    "address",
    "addressphone",
    "addressemail",
    "site",
    "sitebusinessline",
    "shipto",
    "bankaccount",
    "paymentmandate",
    "contact",
    "contactlink",
    "thirdpartystatisticalfamily",
    "secondaryrep",
    "invoicefooteritem",
    "commercialfollowup",
    "managementlink",
    "filiationlink",
    "relation",
    "characteristicvalue",
]
_REFERENCE = [
    "segmentvalue",
    "tag",
    "postalcode",
    "nafcode",
    "paymentterm",
    "statisticalaxis",
    "statisticalfamily",
    "managementlinktype",
    "filiationlinktype",
    "relationtype",
    "characteristicgroup",
    "characteristicfield",
]
_LINKS = ["thirdpartytag", "thirdpartyclassification", "thirdpartyalloweduser"]

# The customer's shared records: everyone who works on the account adds documents, exchanges and
# wiki pages; the vault is read in lists by all but revealed only with crm.reveal_secret.
_RECORDS = ["attachment", "exchange", "signature", "wikipage", "vaultsecret"]

GRANTS = {
    COMMERCIAL: [
        *[(model, EDIT) for model in _EDITED_BY_SALES],
        *[(model, ALL) for model in _LINKS if model != "thirdpartyalloweduser"],
        ("thirdpartyalloweduser", VIEW),
        *[(model, EDIT) for model in _RECORDS],
        *[(model, VIEW) for model in _REFERENCE],
    ],
    TECHNICIEN: [
        *[(model, VIEW) for model in _EDITED_BY_SALES + _REFERENCE + _LINKS],
        *[(model, EDIT) for model in _RECORDS],
    ],
    MANAGER: [
        *[(model, ALL) for model in _EDITED_BY_SALES + _LINKS + _RECORDS],
        *[(model, VIEW) for model in _REFERENCE],
        ("tag", ALL),
    ],
    ADMINISTRATEUR: [*[(model, ALL) for model in _EDITED_BY_SALES + _LINKS + _REFERENCE + _RECORDS]],
}
