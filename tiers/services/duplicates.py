"""Likely duplicates of a third party being typed, shown before it is saved (never a silent block).

A candidate is a third party the user may see that has the same SIREN, SIRET or intra-EU VAT
number, an address phone with the same national digits or an address e-mail, or whose name holds
every significant word of the typed name with an address in the same postal code. One query,
whatever the number of candidates; each comes back with the French reasons it matched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils.translation import gettext as _
from stdnum.fr import siren as fr_siren

from crm.models import Company
from crm.normalize import normalize_words, phone_digits
from tiers.models import Address, AddressEmail, AddressPhone, ThirdParty
from tiers.selectors import third_parties_visible
from tiers.validators import email_clean, vat_compact

MAX_DUPLICATES = 20

# Words that say nothing about who a company is (legal forms, articles).
NAME_STOP_WORDS = frozenset(
    [
        "sa",
        "sas",
        "sasu",
        "sarl",
        "eurl",
        "sci",
        "snc",
        "scop",
        "selarl",
        "gie",
        "ets",
        "etablissements",
        "societe",
        "ste",
        "cie",
        "et",
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "l",
        "d",
        "au",
        "aux",
        "en",
    ]
)


def _reasons() -> dict[str, str]:
    return {
        "same_siret": _("Même SIRET"),
        "same_siren": _("Même SIREN"),
        "same_vat": _("Même n° de TVA intracommunautaire"),
        "same_phone": _("Même numéro de téléphone"),
        "same_email": _("Même adresse e-mail"),
        "same_name_place": _("Même nom dans le même code postal"),
    }


def name_significant_words(name: str) -> list[str]:
    return [word for word in normalize_words(name) if len(word) > 1 and word not in NAME_STOP_WORDS]


def third_party_duplicates(
    *,
    tenant: Company,
    user,
    siren: str = "",
    siret: str = "",
    vat_number: str = "",
    phones: Iterable[str] = (),
    emails: Iterable[str] = (),
    name: str = "",
    postal_code: str = "",
    exclude_pk: int | None = None,
    phone_region: str = "FR",
) -> list[tuple[ThirdParty, list[str]]]:
    """[(third party, [reasons])] of the likely duplicates visible to ``user``, by name."""
    siret = fr_siren.compact(siret or "")
    siren = fr_siren.compact(siren or "") or siret[:9]
    vat_number = vat_compact(vat_number)
    digits = sorted({phone_digits(phone, phone_region) for phone in phones if (phone or "").strip()} - {""})
    emails = sorted({email_clean(email) for email in emails} - {""})
    words = name_significant_words(name)
    postal_code = (postal_code or "").strip().upper().replace(" ", "")

    tests: dict[str, Q | Exists] = {}
    if len(siret) == 14:
        tests["same_siret"] = Q(siret=siret)
    if len(siren) == 9:
        tests["same_siren"] = Q(siren=siren)
    if vat_number:
        tests["same_vat"] = Q(vat_number=vat_number)
    if digits:
        tests["same_phone"] = Exists(
            AddressPhone.objects.filter(tenant=tenant, address__third_party=OuterRef("pk"), digits__in=digits)
        )
    if emails:
        tests["same_email"] = Exists(
            AddressEmail.objects.filter(tenant=tenant, address__third_party=OuterRef("pk"), email__in=emails)
        )
    if words and postal_code:
        same_words = Q()
        for word in words:
            same_words &= Q(name_search__regex=rf"(^| ){re.escape(word)}( |$)")
        same_place = Exists(
            Address.objects.filter(tenant=tenant, third_party=OuterRef("pk"), postal_code=postal_code)
        )
        tests["same_name_place"] = same_words & Q(same_place)
    if not tests:
        return []

    annotations = {
        key: test if isinstance(test, Exists) else ExpressionWrapper(test, output_field=BooleanField())
        for key, test in tests.items()
    }
    matched = Q()
    for key in annotations:
        matched |= Q(**{key: True})
    candidates = third_parties_visible(tenant=tenant, user=user).annotate(**annotations).filter(matched)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    labels = _reasons()
    return [
        (candidate, [labels[key] for key in annotations if getattr(candidate, key)])
        for candidate in candidates.order_by("name", "pk")[:MAX_DUPLICATES]
    ]
