"""Hypothesis strategies of hostile form values, chosen by a field's input type and name.

Every strategy draws a list of strings (the values posted under the field's name: several
values stand for "a list where one value is expected"), or ``OMIT`` (the field is not posted).
"""

from __future__ import annotations

import re

from hypothesis import strategies as st

from tests.fuzz.html_forms import FormField

OMIT = "<omit>"

# Lone surrogates cannot be encoded into a request; every other code point can be posted.
_CHARACTERS = st.characters(blacklist_categories=("Cs",))
CONTROL = "".join(chr(c) for c in range(0, 32)) + "\x7f\x85\u200b\u200e\u200f\u202e\ufeff"
UNICODE_SAMPLES = (
    "Élodie Müller-Ørsted",
    "ÇA ÉTÉ À L'ŒUVRE",
    "😀🏢📞💶",
    "👩‍👩‍👧‍👦",
    "שלום עולם",
    "مرحبا بالعالم",
    "\u202eevil\u202c",
    "nul\x00octet",
    "\x00",
    "tab\tnew\nline\r",
    "Z̴̡̢a̵̛l̷g̶o̴",
    "漢字テスト",
    "ﷺ" * 50,
)
INJECTION_SAMPLES = (
    "' OR 1=1 --",
    "1; DROP TABLE tiers_thirdparty",
    '"><script>alert(1)</script>',
    "{{ 7*7 }}",
    "%s%s%s%n",
    "../../etc/passwd",
    "${jndi:ldap://x}",
    "NaN",
    "Infinity",
    "-0",
    "None",
    "null",
    "[]",
    "{}",
)


def long_text(min_size: int = 3000) -> st.SearchStrategy[str]:
    return st.builds(
        lambda unit, count: (unit * count)[: max(min_size, count)],
        st.sampled_from(["a", "é", "😀", "x\x00", "9", "A1-", " "]),
        st.integers(min_value=min_size, max_value=min_size + 1500),
    )


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(_CHARACTERS, max_size=60),
        st.text(st.sampled_from(CONTROL), min_size=1, max_size=10),
        st.sampled_from(UNICODE_SAMPLES + INJECTION_SAMPLES),
        long_text(),
        st.just(""),
        st.just("   "),
    )


NUMBER_SAMPLES = (
    "0",
    "-1",
    "-999999999",
    "1",
    "42",
    "3.14",
    "3,14",
    "1e309",
    "-1e309",
    "1e-400",
    "99999999999999999999999999999",
    "-99999999999999999999999999999",
    "2147483648",
    "9223372036854775808",
    "0x1F",
    "1_000",
    "\u0661\u0662\u0663",
    "12 345,67",
    "\u0661",
    "NaN",
    "inf",
    "--1",
    "+5",
)


def numbers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NUMBER_SAMPLES),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
    )


DATE_SAMPLES = (
    "2024-02-30",
    "0000-00-00",
    "2023-02-29",
    "2024-13-01",
    "2024-00-10",
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "-2024-01-01",
    "31/12/2024",
    "30/02/2024",
    "2024/02/30",
    "2024-02-29",
    "1900-01-01",
    "2024-1-1",
    "aujourd'hui",
    "2024-02-28T25:61",
    "12:00",
    "2024-06-15 10:00",
    "1970-01-01T00:00:00Z",
)


def dates() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(DATE_SAMPLES),
        st.dates().map(lambda d: d.isoformat()),
        st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
        st.datetimes().map(lambda d: d.isoformat()),
    )


TIME_SAMPLES = ("25:00", "12:60", "-1:00", "12:00:00", "9h30", "24:00", "00:00", "23:59:60")

EMAIL_SAMPLES = (
    "jean.dupont@example.com",
    "pas-un-email",
    "@example.com",
    "jean@",
    "jean@@example.com",
    "jean dupont@example.com",
    "jean@exa mple.com",
    "a" * 300 + "@example.com",
    "jean@example",
    "élodie@exemple.fr",
    "jean@[127.0.0.1]",
    "jean@example.com, paul@example.com",
    "<jean@example.com>",
)
PHONE_SAMPLES = (
    "0123456789",
    "+33 1 23 45 67 89",
    "01 23 45 67 89",
    "123",
    "+",
    "++33123456789",
    "0123456789012345678901234567890",
    "abcdefghij",
    "01-23-45-67-89",
    "(01) 23 45 67 89",
    "+1 (555) 010-9999 ext. 12",
    "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
)
SIRET_SAMPLES = (
    "73282932000074",
    "73282932000075",
    "7328293200007",
    "732829320000744",
    "ABCDEFGHIJKLMN",
    "00000000000000",
    "732 829 320 00074",
    "-7328293200007",
)
SIREN_SAMPLES = ("732829320", "732829321", "73282932", "7328293200", "ABCDEFGHI", "000000000", "732 829 320")
IBAN_SAMPLES = (
    "FR7630006000011234567890189",
    "FR7630006000011234567890188",
    "FR76",
    "GB82WEST12345698765432",
    "XX0000000000000000",
    "FR76 3000 6000 0112 3456 7890 189",
    "fr7630006000011234567890189",
    "FR763000600001123456789018900000000000000",
    "DE89370400440532013000",
    "1234",
)
BIC_SAMPLES = ("BNPAFRPPXXX", "BNPAFRPP", "BNPAFRP", "BNPA1RPP", "bnpafrpp", "BNPAFRPPXXXX", "12345678")
POSTAL_SAMPLES = ("75001", "7500", "750011", "ABCDE", "00000", "2A004", "98000", "-7500")
VAT_SAMPLES = ("FR40303265045", "FR00000000000", "FR4030326504", "DE123456789", "XX123", "FR 40 303 265 045")


def _samples(values) -> st.SearchStrategy[str]:
    return st.sampled_from(values)


_NAME_STRATEGIES = (
    (re.compile(r"siret", re.I), _samples(SIRET_SAMPLES)),
    (re.compile(r"siren", re.I), _samples(SIREN_SAMPLES)),
    (re.compile(r"iban", re.I), _samples(IBAN_SAMPLES)),
    (re.compile(r"bic|swift", re.I), _samples(BIC_SAMPLES)),
    (re.compile(r"mail", re.I), _samples(EMAIL_SAMPLES)),
    (re.compile(r"phone|tel|mobile|fax|number|numero", re.I), _samples(PHONE_SAMPLES)),
    (re.compile(r"postal|zip|code_postal|cp$", re.I), _samples(POSTAL_SAMPLES)),
    (re.compile(r"vat|tva", re.I), _samples(VAT_SAMPLES)),
    (re.compile(r"date|_at$|_on$|(^|[-_])(day|start|end|until|since|du|au)([-_]|$)", re.I), dates()),
    (
        re.compile(r"amount|price|quantity|qty|rate|percent|count|index|reading|total|montant|prix", re.I),
        numbers(),
    ),
)


def _one(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return strategy.map(lambda value: [value])


def _garbage() -> st.SearchStrategy:
    """What any field may receive: hostile text, a list of values, nothing at all."""
    return st.one_of(
        _one(hostile_text()),
        _one(numbers()),
        st.lists(hostile_text(), min_size=2, max_size=3),
        st.just(OMIT),
    )


def _typed(item: FormField, existing_codes: list[str]) -> st.SearchStrategy[str]:
    """Plausible-but-wrong values for the field's type and name."""
    kind = item.kind
    if kind == "number" or kind == "range":
        return numbers()
    if kind in ("date", "datetime-local", "month", "week"):
        return dates()
    if kind == "time":
        return _samples(TIME_SAMPLES)
    if kind == "email":
        return _samples(EMAIL_SAMPLES)
    if kind == "tel":
        return _samples(PHONE_SAMPLES)
    if kind == "url":
        return _samples(("http://", "javascript:alert(1)", "https://exemple.fr/" + "a" * 3000, "exemple.fr"))
    for pattern, strategy in _NAME_STRATEGIES:
        if pattern.search(item.name):
            return strategy
    if existing_codes and re.search(r"(^|[-_])(code|reference|ref|number)$", item.name):
        return st.sampled_from(existing_codes)
    return hostile_text()


def field_values(item: FormField, existing_codes: list[str]) -> st.SearchStrategy:
    """A strategy for one field: its rendered value, a valid option, a typed wrong value, garbage."""
    initial = [item.value] if item.value else OMIT
    if item.kind in ("select", "radio", "checkbox"):
        options = [o for o in item.options if o] or [""]
        valid = (
            st.lists(st.sampled_from(options), max_size=3, unique=True).map(lambda v: v or OMIT)
            if item.multiple
            else _one(st.sampled_from(options))
        )
        return st.one_of(st.just(initial), valid, valid, _garbage())
    typed = _one(_typed(item, existing_codes))
    if existing_codes and re.search(r"(^|[-_])code$", item.name):
        typed = st.one_of(typed, _one(st.sampled_from(existing_codes)))
    return st.one_of(st.just(initial), typed, typed, _garbage())


def form_data(fields: list[FormField], existing_codes: list[str]) -> st.SearchStrategy[dict]:
    """{name: values or OMIT} for the fuzzable fields of a form."""
    return st.fixed_dictionaries({item.name: field_values(item, existing_codes) for item in fields})
