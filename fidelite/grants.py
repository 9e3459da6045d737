"""What each role may do with the loyalty models (DESIGN.md §4).

- Commercial: sees programmes, accounts and the ledger, and enrols a customer (adds an account);
  no manual credit or debit.
- Technicien: sees them (all business pages).
- Manager: also changes accounts (status, the customer's own threshold and contract model) and
  credits or debits points by hand (``fidelite.adjust_points``).
- Administrateur: the same, and configures the programmes and their family rates.
The ledger itself is written by services only: nobody gets add/change/delete on PointEntry.
"""

from crm.rights import ADMINISTRATEUR, ALL, COMMERCIAL, EDIT, MANAGER, TECHNICIEN, VIEW

ADJUST = "fidelite.adjust_points"
_CONFIG = ["loyaltyprogram", "loyaltyfamilyrate"]

GRANTS = {
    COMMERCIAL: [
        *[(model, VIEW) for model in _CONFIG],
        ("loyaltyaccount", ("view", "add")),
        ("pointentry", VIEW),
    ],
    TECHNICIEN: [*[(model, VIEW) for model in _CONFIG], ("loyaltyaccount", VIEW), ("pointentry", VIEW)],
    MANAGER: [
        *[(model, VIEW) for model in _CONFIG],
        ("loyaltyaccount", EDIT),
        ("pointentry", VIEW),
        ADJUST,
    ],
    ADMINISTRATEUR: [
        *[(model, ALL) for model in _CONFIG],
        ("loyaltyaccount", EDIT),
        ("pointentry", VIEW),
        ADJUST,
    ],
}
