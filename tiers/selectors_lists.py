"""Reads of the customer, prospect and contact lists and of the third party's page.

Shared by the list screens (tiers/views/lists.py) and their Excel exports (tiers/exports.py), so
a list and its export can never disagree. Every list row carries what its columns show as
annotations (no per-row query): the main address's postal code and city, the main phone, the
business lines and the tags.

The word-start search (``third_party_search_q``, ``contact_search_q``) runs on the stored
normalized name (``ThirdParty.name_search``) and on the main address's postal code and city.
It is the interim search of the list screens: the core search index (DESIGN.md §5, a later
issue) will replace it, with the same rule (every word of the query is the start of a word of
the name, postal code or city, in any order, accent- and case-insensitive).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Exists,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Lower

from crm.models import BusinessLine, Company
from crm.normalize import normalize_words, phone_display

from .models import (
    Address,
    AddressEmail,
    AddressPhone,
    BankAccount,
    Contact,
    ContactLink,
    SegmentValue,
    ShipTo,
    Site,
    SiteBusinessLine,
    Tag,
    ThirdParty,
)
from .models.addresses import PhoneKind
from .selectors import third_parties_visible, visible_q

# At most this many words of a search are used (a longer query is a paste, not a search).
MAX_SEARCH_WORDS = 8

# Accented letters and their plain forms (sql_normalized).
_ACCENTED = "ÀÂÄÁÃÅÇÉÈÊËÎÏÍÌÔÖÓÒÕÙÛÜÚŸÑàâäáãåçéèêëîïíìôöóòõùûüúÿñ"
_PLAIN = "AAAAAACEEEEIIIIOOOOOUUUUYNaaaaaaceeeeiiiiooooouuuuyn"
# The letters a normalized word may stand for in stored text (both cases: the regex is also
# case-insensitive, but not every server's locale folds accented capitals).
_VARIANTS = {
    "a": "aàâäáãåAÀÂÄÁÃÅ",
    "c": "cçCÇ",
    "e": "eéèêëEÉÈÊË",
    "i": "iîïíìIÎÏÍÌ",
    "n": "nñNÑ",
    "o": "oôöóòõOÔÖÓÒÕ",
    "u": "uùûüúUÙÛÜÚ",
    "y": "yÿYŸ",
}
# What separates two words in a city or a person's name.
_WORD_START = "(^|[- '\u2019.@_])"


def search_words(query: str) -> list[str]:
    """The normalized words of a search (letters and digits only, so safe inside a regex)."""
    return normalize_words(query or "")[:MAX_SEARCH_WORDS]


def word_start_regex(word: str, *, separator: str = " ") -> str:
    """A PostgreSQL regex matching ``word`` (normalized) at the start of a word of a normalized text:
    ``name_search`` (words separated by one space), or with ``separator="any"`` any text whose
    words are separated by anything but letters and digits (the output of ``sql_normalized``)."""
    if separator == " ":
        return rf"(^| ){re.escape(word)}"
    return rf"(^|[^a-z0-9]){re.escape(word)}"


def sql_normalized(expression) -> Func:
    """``lower(translate(expression, accented, plain))``: the SQL twin of crm.normalize for the
    letters French text uses (no PostgreSQL extension needed). A function call per row: for a
    scan of a large table prefer ``accent_word_start_regex`` on the stored column."""
    return Lower(Func(expression, Value(_ACCENTED), Value(_PLAIN), function="TRANSLATE"))


def accent_word_start_regex(word: str) -> str:
    """A case-insensitive PostgreSQL regex (``iregex``) matching ``word`` (normalized) at the start
    of a word of free text with accents and capitals: 'etienne' finds 'SAINT-ÉTIENNE'. Reads the
    column as stored (no function call per row), so a scan stays cheap."""
    letters = "".join(f"[{_VARIANTS[char]}]" if char in _VARIANTS else re.escape(char) for char in word)
    return _WORD_START + letters


# --- The main address ---------------------------------------------------------------------------


def main_address_candidates() -> QuerySet[Address]:
    """Addresses that may be their third party's main address: the main site's, and the default."""
    main_site = Site.objects.filter(address=OuterRef("pk"), is_main=True)
    return Address.objects.annotate(is_main_site=Exists(main_site)).filter(
        Q(is_default=True) | Q(is_main_site=True)
    )


def main_addresses(outer: str = "pk") -> QuerySet[Address]:
    """The candidates of the third party ``OuterRef(outer)``, the main one first: the main site's
    address, else the default address."""
    return main_address_candidates().filter(third_party=OuterRef(outer)).order_by("-is_main_site", "id")


def _main_phone() -> Subquery:
    main_site = Site.objects.filter(address=OuterRef("address"), is_main=True)
    phones = (
        AddressPhone.objects.filter(address__third_party=OuterRef("pk"))
        .exclude(kind=PhoneKind.FAX)
        .annotate(is_main_site=Exists(main_site))
        .filter(Q(address__is_default=True) | Q(is_main_site=True))
        # "phone" sorts after "mobile": descending puts the landline first.
        .order_by("-is_main_site", "-kind", "id")
    )
    return Subquery(phones.values("number")[:1])


def _main_email() -> Subquery:
    main_site = Site.objects.filter(address=OuterRef("address"), is_main=True)
    emails = (
        AddressEmail.objects.filter(address__third_party=OuterRef("pk"))
        .annotate(is_main_site=Exists(main_site))
        .filter(Q(address__is_default=True) | Q(is_main_site=True))
        .order_by("-is_main_site", "id")
    )
    return Subquery(emails.values("email")[:1])


def _main_address_filter(condition: Q) -> Q:
    """Whether the third party's main site's address or its default address (usually the same
    one) matches ``condition``. An uncorrelated ``IN``: the matching addresses are found once (a
    hashed subplan), not once per third party."""
    matching = main_address_candidates().filter(condition)
    return Q(pk__in=matching.values("third_party_id"))


def city_q(value: str) -> Q:
    """Main address in a city whose words start with the words of ``value``."""
    condition = Q()
    for word in search_words(value):
        condition &= Q(city__iregex=accent_word_start_regex(word))
    return _main_address_filter(condition) if condition else Q()


def postal_code_q(value: str) -> Q:
    value = (value or "").strip().upper()
    return _main_address_filter(Q(postal_code__startswith=value)) if value else Q()


def third_party_search_q(query: str) -> Q:
    """Every word of ``query`` starts a word of the name, or starts the main address's postal code,
    or starts a word of its city ("soc gen lyon", "690")."""
    result = Q()
    for word in search_words(query):
        in_address = Q(postal_code__startswith=word.upper()) | Q(city__iregex=accent_word_start_regex(word))
        result &= Q(name_search__regex=word_start_regex(word)) | _main_address_filter(in_address)
    return result


def rep_q(user_id: int) -> Q:
    """Third parties where ``user_id`` is the rep of a business line of one of their sites."""
    return Q(Exists(SiteBusinessLine.objects.filter(site__third_party=OuterRef("pk"), rep_id=user_id)))


def business_lines_q(business_line_ids: list[int]) -> Q:
    """Third parties having a site with one of these business lines."""
    return Q(
        Exists(
            SiteBusinessLine.objects.filter(
                site__third_party=OuterRef("pk"), business_line_id__in=business_line_ids
            )
        )
    )


def tags_q(tag_ids: list[int]) -> Q:
    """Third parties carrying at least one of these tags."""
    return Q(Exists(Tag.objects.filter(thirdpartytag__third_party=OuterRef("pk"), pk__in=tag_ids)))


# --- Lists --------------------------------------------------------------------------------------


def third_party_rows(*, tenant: Company, user, lifecycles) -> QuerySet[ThirdParty]:
    """The third parties of ``lifecycles`` visible to ``user``, with every list column annotated."""
    main = main_addresses()
    business_lines = BusinessLine.objects.filter(
        Exists(
            SiteBusinessLine.objects.filter(
                business_line=OuterRef("pk"), site__third_party=OuterRef(OuterRef("pk"))
            )
        )
    ).order_by("name")
    tags = Tag.objects.filter(thirdpartytag__third_party=OuterRef("pk")).order_by("label")
    return (
        third_parties_visible(tenant=tenant, user=user)
        .filter(lifecycle__in=list(lifecycles))
        .annotate(
            main_line1=Subquery(main.values("line1")[:1]),
            main_postal_code=Subquery(main.values("postal_code")[:1]),
            main_city=Subquery(main.values("city")[:1]),
            main_phone=_main_phone(),
            main_email=_main_email(),
            business_line_names=ArraySubquery(business_lines.values("name")),
            tag_labels=ArraySubquery(tags.values("label")),
        )
        .order_by("name", "pk")
    )


def contacts_visible(*, tenant: Company, user) -> QuerySet[Contact]:
    """Contacts linked to at least one third party visible to ``user`` (a contact is reached only
    through its links: one linked only to hidden third parties is hidden)."""
    links = ContactLink.objects.filter(contact=OuterRef("pk")).filter(visible_q(tenant=tenant, user=user))
    return Contact.objects.filter(tenant=tenant).filter(Exists(links))


def contact_rows(*, tenant: Company, user) -> QuerySet[Contact]:
    """Visible contacts with their function and their visible links (prefetched: one query)."""
    visible_links = (
        ContactLink.objects.filter(visible_q(tenant=tenant, user=user))
        .select_related("third_party")
        .order_by("third_party__name", "pk")
    )
    return (
        contacts_visible(tenant=tenant, user=user)
        .select_related("function")
        .prefetch_related(Prefetch("links", queryset=visible_links, to_attr="visible_links"))
        .order_by("last_name", "first_name", "pk")
    )


def contact_search_q(query: str) -> Q:
    """Every word of ``query`` starts a word of the contact's name or of its e-mail."""
    result = Q()
    for word in search_words(query):
        regex = accent_word_start_regex(word)
        result &= Q(last_name__iregex=regex) | Q(first_name__iregex=regex) | Q(email__iregex=regex)
    return result


# --- The third party's page ---------------------------------------------------------------------


@dataclass
class ThirdPartyPage:
    """Everything the third party's page shows, read in a constant number of queries."""

    third_party: ThirdParty
    addresses: list[Address] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    contact_links: list[ContactLink] = field(default_factory=list)
    ship_tos: list[ShipTo] = field(default_factory=list)
    bank_accounts: list[BankAccount] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    classifications: list[SegmentValue] = field(default_factory=list)


def third_party_page(*, tenant: Company, user, pk: int) -> ThirdPartyPage:
    """The third party ``pk`` and its sections; ThirdParty.DoesNotExist (a 404) when ``user`` may
    not see it (another tenant's, reserved to other users, closed without the right)."""
    third_party = (
        third_parties_visible(tenant=tenant, user=user)
        .select_related("country", "currency", "category", "activity", "origin")
        .get(pk=pk)
    )
    addresses = list(
        Address.objects.filter(tenant=tenant, third_party=third_party)
        .select_related("country")
        .prefetch_related("phones", "emails")
        .order_by("-is_default", "code")
    )
    sites = list(
        Site.objects.filter(tenant=tenant, third_party=third_party)
        .select_related("address")
        .prefetch_related(
            Prefetch(
                "business_line_links",
                queryset=SiteBusinessLine.objects.select_related("business_line", "rep").order_by(
                    "business_line__name"
                ),
            )
        )
    )
    contact_links = list(
        ContactLink.objects.filter(tenant=tenant, third_party=third_party)
        .select_related("contact", "contact__function", "address")
        .order_by("-is_default", "-is_active", "contact__last_name", "contact__first_name")
    )
    for address in addresses:
        for phone in address.phones.all():
            phone.display = phone_display(phone.number)
    for link in contact_links:
        link.contact.phone_shown = phone_display(link.contact.phone)
        link.contact.mobile_shown = phone_display(link.contact.mobile)
    ship_tos = list(
        ShipTo.objects.filter(tenant=tenant, third_party=third_party)
        .select_related("address", "carrier")
        .order_by("address__code")
    )
    bank_accounts = list(
        BankAccount.objects.filter(tenant=tenant, third_party=third_party).select_related(
            "address", "currency"
        )
    )
    tags = list(Tag.objects.filter(tenant=tenant, thirdpartytag__third_party=third_party).order_by("label"))
    classifications = list(
        SegmentValue.objects.filter(
            tenant=tenant, thirdpartyclassification__third_party=third_party
        ).order_by("label")
    )
    return ThirdPartyPage(
        third_party=third_party,
        addresses=addresses,
        sites=sites,
        contact_links=contact_links,
        ship_tos=ship_tos,
        bank_accounts=bank_accounts,
        tags=tags,
        classifications=classifications,
    )


def iban_masked(iban: str) -> str:
    """'FR7630006000011234567890189' → 'FR76 •••• 0189' (enough to recognise, not to copy)."""
    compact = (iban or "").replace(" ", "")
    if len(compact) <= 8:
        return compact
    return f"{compact[:4]} •••• {compact[-4:]}"
