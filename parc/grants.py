"""What each role may do with the parc models (DESIGN.md §4): technicians maintain the installed
base and the service; sales reps read it and record competitors' assets; managers do everything
but the reference tables, which administrators own."""

from crm.rights import ADMINISTRATEUR, ALL, COMMERCIAL, EDIT, MANAGER, TECHNICIEN, VIEW

_SERVICE = [
    "asset",
    "financing",
    "equipment",
    "meterreading",
    "servicerequest",
    "servicerequestasset",
    "servicerequestcoverage",
    "intervention",
]
_CONTRACTS = ["servicecontract", "contractasset", "billingrule"]
_COMPUTED = ["monthlyvolume"]
_REFERENCE = ["article", "articlefamily", "brand", "metertype", "contracttype", "contracttemplate"]
_SALES = ["competitorasset"]
_BATCH = ["vmmrun", "vmmchunk"]  # written by the VMM batch only, looked at by managers and admins

GRANTS = {
    COMMERCIAL: [
        *[(model, VIEW) for model in _SERVICE + _CONTRACTS + _COMPUTED + _REFERENCE],
        *[(model, EDIT) for model in _SALES],
    ],
    TECHNICIEN: [
        *[(model, EDIT) for model in _SERVICE],
        *[(model, VIEW) for model in _CONTRACTS + _COMPUTED + _REFERENCE + _SALES],
    ],
    MANAGER: [
        *[(model, ALL) for model in _SERVICE + _CONTRACTS + _SALES],
        *[(model, VIEW) for model in _COMPUTED + _REFERENCE + _BATCH],
    ],
    ADMINISTRATEUR: [
        *[(model, ALL) for model in _SERVICE + _CONTRACTS + _SALES + _REFERENCE],
        *[(m, VIEW) for m in _COMPUTED + _BATCH],
    ],
}
