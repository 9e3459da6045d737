"""Reads of the contact pages: a third party's contacts, one contact seen from one third party,
the contacts a user may link, and the likely duplicates of a contact being typed.

A contact is reached through its links: it is visible when it is linked to a third party the user
may see (tiers.selectors.visible_q on ContactLink.third_party). A contact left without any link
(detached from its last third party) belongs to no hidden customer, so it stays linkable and is
proposed as a duplicate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, Func, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat, Lower, Replace, Trim
from django.utils.translation import gettext as _

from crm.models import Company
from crm.normalize import normalize_text, phone_digits

from .models import Contact, ContactLink, ThirdParty
from .selectors import visible_q
from .selectors_lists import search_words, sql_normalized, word_start_regex
from .validators import email_clean

MIN_SEARCH_LENGTH = 2
MAX_SEARCH_RESULTS = 20
MAX_DUPLICATES = 10


def contacts_for_third_party(
    *, tenant: Company, user, third_party: ThirdParty, include_inactive: bool = False
) -> QuerySet[ContactLink]:
    """The third party's contact links (active ones unless ``include_inactive``), each with its
    contact, the contact's function and the link's address: one query. Empty when the third party
    is hidden from ``user``."""
    links = (
        ContactLink.objects.filter(tenant=tenant, third_party=third_party)
        .filter(visible_q(tenant=tenant, user=user))
        .select_related("contact", "contact__function", "address")
        .order_by("-is_default", "-is_active", "contact__last_name", "contact__first_name", "pk")
    )
    if not include_inactive:
        links = links.filter(is_active=True)
    return links


def contact_link_get(*, tenant: Company, user, third_party: ThirdParty, contact_pk: int) -> ContactLink:
    """The link of contact ``contact_pk`` to ``third_party`` (already checked visible), with the
    contact, its function and the link's address; ContactLink.DoesNotExist (a 404) when the
    contact is not linked to that third party."""
    return (
        ContactLink.objects.filter(tenant=tenant, third_party=third_party, contact_id=contact_pk)
        .filter(visible_q(tenant=tenant, user=user))
        .select_related("contact", "contact__function", "address", "third_party")
        .get()
    )


def contact_other_links(
    *, tenant: Company, user, contact: Contact, third_party: ThirdParty
) -> list[ContactLink]:
    """The contact's links to the OTHER third parties ``user`` may see, with those third parties."""
    return list(
        ContactLink.objects.filter(tenant=tenant, contact=contact)
        .exclude(third_party=third_party)
        .filter(visible_q(tenant=tenant, user=user))
        .select_related("third_party")
        .order_by("third_party__name", "pk")
    )


def contacts_linkable(*, tenant: Company, user) -> QuerySet[Contact]:
    """Contacts ``user`` may link to a third party: linked to a visible third party, or to none."""
    visible_links = ContactLink.objects.filter(contact=OuterRef("pk")).filter(
        visible_q(tenant=tenant, user=user)
    )
    any_link = ContactLink.objects.filter(contact=OuterRef("pk"))
    return Contact.objects.filter(tenant=tenant).filter(Exists(visible_links) | ~Exists(any_link))


def _with_visible_links(contacts: QuerySet[Contact], *, tenant: Company, user) -> QuerySet[Contact]:
    visible_links = (
        ContactLink.objects.filter(tenant=tenant)
        .filter(visible_q(tenant=tenant, user=user))
        .select_related("third_party")
        .order_by("third_party__name", "pk")
    )
    return contacts.select_related("function").prefetch_related(
        Prefetch("links", queryset=visible_links, to_attr="visible_links")
    )


def contact_search(*, tenant: Company, user, query: str, third_party: ThirdParty) -> list[Contact]:
    """Linkable contacts whose name words start with every word of ``query`` (accent- and
    case-insensitive, from 2 characters), each with ``already_linked`` (to ``third_party``) and
    its ``visible_links``. Two queries whatever the number of results."""
    words = search_words(query)
    if len("".join(words)) < MIN_SEARCH_LENGTH:
        return []
    condition = Q()
    for word in words:
        condition &= Q(name_search__regex=word_start_regex(word, separator="any"))
    contacts = (
        contacts_linkable(tenant=tenant, user=user)
        .annotate(
            name_search=sql_normalized(Concat("last_name", Value(" "), "first_name")),
            already_linked=Exists(
                ContactLink.objects.filter(contact=OuterRef("pk"), third_party=third_party)
            ),
        )
        .filter(condition)
        .order_by("last_name", "first_name", "pk")
    )
    return list(_with_visible_links(contacts, tenant=tenant, user=user)[:MAX_SEARCH_RESULTS])


# --- Duplicates ---------------------------------------------------------------------------------------


def _name_key_sql():
    """SQL twin of ``normalize_text(f"{last_name} {first_name}")`` (no PostgreSQL extension)."""
    lowered = sql_normalized(Concat("last_name", Value(" "), "first_name"))
    unligatured = Replace(Replace(lowered, Value("œ"), Value("oe")), Value("æ"), Value("ae"))
    spaced = Func(unligatured, Value("[^0-9a-z]+"), Value(" "), Value("g"), function="REGEXP_REPLACE")
    return Trim(spaced)


@dataclass
class ContactDuplicate:
    contact: Contact
    reasons: list[str] = field(default_factory=list)
    already_linked: bool = False

    @property
    def third_party_links(self) -> list[ContactLink]:
        return getattr(self.contact, "visible_links", [])


def contact_duplicates(
    *,
    tenant: Company,
    user,
    third_party: ThirdParty,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phones: Iterable[str] = (),
    phone_region: str = "FR",
    exclude_pk: int | None = None,
) -> list[ContactDuplicate]:
    """The likely duplicates, among the contacts ``user`` may link, of a contact being typed: same
    e-mail (case-insensitive), a phone or mobile with the same national digits as one of ``phones``
    (whatever the formatting), or the same first and last name (accent- and case-insensitive).
    Two queries whatever the number of candidates; each candidate says why it matched, whether it
    is already linked to ``third_party`` and which visible third parties it is linked to."""
    email = email_clean(email)
    digits = sorted({phone_digits(phone, phone_region) for phone in phones if (phone or "").strip()} - {""})
    name_key = normalize_text(f"{last_name} {first_name}") if normalize_text(last_name) else ""

    tests: dict[str, Q] = {}
    if email:
        tests["same_email"] = Q(email_lower=email)
    if digits:
        tests["same_phone"] = Q(phone_digits__in=digits) | Q(mobile_digits__in=digits)
    if name_key:
        tests["same_name"] = Q(name_key=name_key)
    if not tests:
        return []
    matched = Q()
    for test in tests.values():
        matched |= test
    candidates = contacts_linkable(tenant=tenant, user=user).annotate(
        email_lower=Lower("email"),
        name_key=_name_key_sql(),
        already_linked=Exists(ContactLink.objects.filter(contact=OuterRef("pk"), third_party=third_party)),
    )
    candidates = candidates.filter(matched)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    candidates = _with_visible_links(
        candidates.order_by("last_name", "first_name", "pk"), tenant=tenant, user=user
    )
    labels = {
        "same_email": _("Même adresse e-mail"),
        "same_phone": _("Même numéro de téléphone"),
        "same_name": _("Même nom et prénom"),
    }
    result = []
    for contact in candidates[:MAX_DUPLICATES]:
        reasons = []
        if email and contact.email_lower == email:
            reasons.append(labels["same_email"])
        if digits and (contact.phone_digits in digits or contact.mobile_digits in digits):
            reasons.append(labels["same_phone"])
        if name_key and contact.name_key == name_key:
            reasons.append(labels["same_name"])
        result.append(
            ContactDuplicate(contact=contact, reasons=reasons, already_linked=contact.already_linked)
        )
    return result
