from .billing import (
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceState,
    Payment,
    PaymentAllocation,
    PaymentMethod,
)
from .orders import Delivery, DeliveryLine, DeliveryState, Order, OrderLine, OrderState
from .pipeline import Action, ActionKind, ActionParticipant, Deal, DealStatus
from .quotes import Quote, QuoteLine, QuoteStatus, QuoteType
from .vouchers import Voucher, VoucherStatus

__all__ = [
    "Action",
    "ActionKind",
    "ActionParticipant",
    "Deal",
    "DealStatus",
    "Delivery",
    "DeliveryLine",
    "DeliveryState",
    "Invoice",
    "InvoiceKind",
    "InvoiceLine",
    "InvoiceState",
    "Order",
    "OrderLine",
    "OrderState",
    "Payment",
    "PaymentAllocation",
    "PaymentMethod",
    "Quote",
    "QuoteLine",
    "QuoteStatus",
    "QuoteType",
    "Voucher",
    "VoucherStatus",
]
