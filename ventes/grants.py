"""What each role may do with the ventes models (DESIGN.md §4): sales reps run the pipeline and
enter quotes and orders; technicians read; managers do everything; billing (deliveries,
invoices, payments) is for managers and administrators."""

from crm.rights import ADMINISTRATEUR, ALL, COMMERCIAL, EDIT, MANAGER, TECHNICIEN, VIEW

_PIPELINE = ["deal", "action", "actionparticipant", "quote", "quoteline", "order", "orderline"]
_BILLING = ["delivery", "deliveryline", "invoice", "invoiceline", "payment", "paymentallocation", "voucher"]

GRANTS = {
    COMMERCIAL: [*[(model, EDIT) for model in _PIPELINE], *[(model, VIEW) for model in _BILLING]],
    TECHNICIEN: [*[(model, VIEW) for model in _PIPELINE + _BILLING]],
    MANAGER: [*[(model, ALL) for model in _PIPELINE + _BILLING]],
    ADMINISTRATEUR: [*[(model, ALL) for model in _PIPELINE + _BILLING]],
}
