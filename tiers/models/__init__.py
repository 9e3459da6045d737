from .addresses import Address, AddressEmail, AddressPhone, BankAccount, ShipTo, Site, SiteBusinessLine
from .contacts import Civility, Contact, ContactLink
from .reference import NafCode, PostalCode, SegmentKind, SegmentValue, Tag
from .third_parties import (
    Lifecycle,
    ThirdParty,
    ThirdPartyAllowedUser,
    ThirdPartyClassification,
    ThirdPartyTag,
    ThirdPartyVisibility,
)

__all__ = [
    "Address",
    "AddressEmail",
    "AddressPhone",
    "BankAccount",
    "Civility",
    "Contact",
    "ContactLink",
    "Lifecycle",
    "NafCode",
    "PostalCode",
    "SegmentKind",
    "SegmentValue",
    "ShipTo",
    "Site",
    "SiteBusinessLine",
    "Tag",
    "ThirdParty",
    "ThirdPartyAllowedUser",
    "ThirdPartyClassification",
    "ThirdPartyTag",
    "ThirdPartyVisibility",
]
