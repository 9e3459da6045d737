"""The quick-search reader (Ctrl+K, CTI): one SQL round trip over core's index (crm.search).

Matching: every typed word must match the start of a word of the record, in any order, accent-
and case-insensitive. The longest word probes the covering B-tree (tenant, kind, token) — one
LIMITed range scan per kind the user may view, a LATERAL over the kinds so the statement stays
small to plan — and the other words are checked inside the same index entries (their normalized
text). A code typed with its punctuation ("CMD-2024-0001") is first probed by its compacted form,
one narrow range, before its words. A query made of digits and phone punctuation (4 digits at
least) also probes the reversed-digit phone tokens, so "01 23 45 67 89", "+33 1 23 45 67 89" and
the last digits all find the phone. A matched customer also brings its sites and contacts
(query-time join on the entries' customer id). Hidden customers (reserved to other users, closed
without the right) are removed inside each limited scan, by one probe per candidate row of tiers'
partial visibility index (never by reading the tenant's whole hidden set, which a large tenant
counts in thousands).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Q

from crm.models import SearchKind
from crm.normalize import normalize_words, phone_digits
from crm.search import ENTRY_TABLE, TOKEN_TABLE, compact, phone_token, reverse_or_none, search_registry
from tiers.models import ThirdParty
from tiers.selectors import hidden_third_party_ids

MAX_QUERY_LENGTH = 100  # characters read from the query; the rest is ignored
MAX_WORDS = 6
MIN_WORD = 2
MIN_DIGITS = 4
LIMIT_PER_KIND = 8
# Set for the search statement only (one statement, so one result set to skip): parallel query
# only slows these tiny index scans (shared/BENCH.md), and the planner's estimates for a LIMITed
# scan of a common prefix can pass jit_above_cost, where compiling costs more than the query.
SEARCH_SETTINGS = (
    "SELECT set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true)"
)
_PHONE_QUERY = re.compile(r"^[\d\s.+()/-]+$")
# Kinds brought by a matched customer (query-time join on customer_id).
CUSTOMER_KINDS = (SearchKind.CUSTOMER, SearchKind.PROSPECT)
VIA_CUSTOMER_KINDS = (SearchKind.SITE, SearchKind.CONTACT)
# How a result opens its customer's synthèse (synthese/context.py's parameters): kind -> (the
# parameter that pre-selects or filters it, the other parameters)...
SYNTHESE_FILTERS = {
    SearchKind.CONTACT: ("contact", {}),
    SearchKind.SITE: ("site", {}),
    SearchKind.ASSET: ("bien", {"onglet": "parc"}),
    SearchKind.CONTRACT: ("contrat", {"onglet": "ssc"}),
}
# ... or a highlighted row of a tab: kind -> (tab key, row name of its table).
SYNTHESE_ROWS = {
    SearchKind.DEAL: ("affaires", "affaire"),
    SearchKind.ORDER: ("commandes", "commande"),
    SearchKind.QUOTE: ("devis", "devis"),
    SearchKind.REQUEST: ("dit", "dit"),
}


def _upper(prefix: str) -> str:
    """The smallest string above every token that starts with ``prefix`` (C collation)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


@dataclass(frozen=True)
class Probe:
    prefix: str  # probed on the token B-tree
    others: tuple[str, ...] = ()  # checked as word starts in the entry's text
    # A typed code ("CMD-2024-0001"): its compacted form, probed first in the same limited scan
    # (one narrow range instead of the range of its longest, often common, part).
    code: str = ""

    @property
    def upper(self) -> str:
        return _upper(self.prefix)


def _valid_probe(word: str) -> bool:
    return len(word) >= (MIN_DIGITS if word.isdigit() else MIN_WORD)


def query_probes(query: str) -> list[Probe]:
    """The probes of a typed query (none when it is too short to search)."""
    raw = (query or "")[:MAX_QUERY_LENGTH]
    probes = []
    words = list(dict.fromkeys(normalize_words(raw)))[:MAX_WORDS]
    is_phone = bool(_PHONE_QUERY.match(raw.strip() or "x"))
    code = ""
    if len(words) > 1 and not is_phone and not any(char.isspace() for char in raw.strip()):
        code = compact(raw) if any(char.isdigit() for char in raw) else ""
    if words:
        longest = max(words, key=len)
        if _valid_probe(longest):
            others = list(words)
            others.remove(longest)
            probes.append(Probe(longest, tuple(others), code=code))
        elif code:
            probes.append(Probe(code))
    if is_phone and sum(char.isdigit() for char in raw) >= MIN_DIGITS:
        probes.append(Probe(phone_token(phone_digits(raw.strip()))))
    return probes


def viewable_kinds(user) -> list[int]:
    """The kinds whose model the user may view (role permission)."""
    kinds = []
    for spec in search_registry.specs():
        opts = spec.model._meta
        if user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            kinds.extend(spec.kinds)
    return sorted(kinds)


@dataclass(frozen=True)
class SearchResult:
    kind: int
    object_id: int
    customer_id: int | None
    label: str
    sublabel: str
    customer_name: str

    @property
    def kind_label(self) -> str:
        return str(SearchKind(self.kind).label)

    @property
    def record_url(self) -> str | None:
        spec = search_registry.spec_of_kind(self.kind)
        return spec.record_url(self.object_id, self.customer_id) if spec and spec.record_url else None

    @property
    def synthese_url(self) -> str | None:
        return self.synthese_url_for(crm_licence=False)

    def synthese_url_for(self, *, crm_licence: bool) -> str | None:
        """The customer's synthèse opened on this result: a contact pre-selected, a site, contract
        or asset filtered, a document row highlighted in its tab (CRM licence; the record's own
        page otherwise)."""
        if self.customer_id is None:
            return None
        url = reverse_or_none("synthese:customer", pk=self.customer_id)
        if url is None or self.kind in CUSTOMER_KINDS:
            return url
        if self.kind in SYNTHESE_FILTERS:
            parameter, others = SYNTHESE_FILTERS[self.kind]
            return f"{url}?{urlencode({parameter: self.object_id, **others})}"
        if self.kind in SYNTHESE_ROWS:
            if not crm_licence:
                return self.record_url
            tab, row_name = SYNTHESE_ROWS[self.kind]
            return f"{url}?{urlencode({'onglet': tab, 'ligne': f'{row_name}-{self.object_id}'})}"
        return url

    def as_dict(self, *, crm_licence: bool = False) -> dict:
        sublabel = self.sublabel
        if self.customer_name and self.kind not in CUSTOMER_KINDS:
            sublabel = " · ".join(part for part in (f"— {self.customer_name}", self.sublabel) if part)
        return {
            "kind": self.kind_label,
            "id": self.object_id,
            "label": self.label,
            "sublabel": sublabel,
            "customer_id": self.customer_id,
            "record_url": self.record_url,
            "synthese_url": self.synthese_url_for(crm_licence=crm_licence),
        }


def _range_sql(
    name: str, prefix: str, others: tuple[str, ...], params: dict, limit: int, *, skip: str = ""
) -> str:
    """A LIMITed index-only range scan of one kind's tokens starting with ``prefix``, the other
    words checked in the index entries, hidden customers' rows skipped by one probe of tiers'
    partial visibility index per candidate row (never the whole hidden set); ``skip``: the name
    of a range already scanned, whose entries are left out (one primary-key probe per match)."""
    params[f"lo{name}"], params[f"hi{name}"] = prefix, _upper(prefix)
    checks = []
    for position, word in enumerate(others):
        params[f"w{name}_{position}"] = f"% {word}%"
        checks.append(f"AND (' ' || t.text) LIKE %(w{name}_{position})s")
    if skip:
        checks.append(
            f"""AND NOT EXISTS (SELECT FROM {TOKEN_TABLE} s WHERE s.tenant_id = %(tenant)s
                AND s.entry_id = t.entry_id AND s.token >= %(lo{skip})s AND s.token < %(hi{skip})s)"""
        )
    return f"""(SELECT t.entry_id, t.kind, t.customer_id FROM {TOKEN_TABLE} t
            WHERE t.tenant_id = %(tenant)s AND t.kind = k.kind
              AND t.token >= %(lo{name})s AND t.token < %(hi{name})s {" ".join(checks)}
              AND NOT EXISTS (SELECT FROM hidden h WHERE h.third_party_id = t.customer_id)
            LIMIT {int(limit)})"""  # noqa: S608 (table names from the models, values bound)


def _probe_sql(number: int, probe: Probe, params: dict, kinds: list[int], limit: int) -> str:
    """One limited probe per kind: a LATERAL over the kinds (one sub-plan, planned once); a code
    is scanned first and the words only when it found fewer than ``limit`` rows of the kind."""
    if probe.code and probe.code != probe.prefix:
        ranges = [
            _range_sql(f"{number}c", probe.code, (), params, limit),
            _range_sql(f"{number}", probe.prefix, probe.others, params, limit, skip=f"{number}c"),
        ]
    else:
        ranges = [_range_sql(f"{number}", probe.prefix, probe.others, params, limit)]
    scan = ranges[0] if len(ranges) == 1 else f"{' UNION ALL '.join(ranges)} LIMIT {int(limit)}"
    kind_list = ",".join(str(int(kind)) for kind in kinds)
    return f"""SELECT p.entry_id, p.kind, p.customer_id
        FROM unnest(ARRAY[{kind_list}]::smallint[]) AS k(kind)
        CROSS JOIN LATERAL ({scan}) p"""  # noqa: S608 (values bound)


def quick_search_sql(*, tenant, user, probes: list[Probe], kinds: list[int], limit: int) -> tuple[str, dict]:
    hidden_sql, hidden_params = (
        hidden_third_party_ids(tenant=tenant, user=user)
        # Only closed or reserved rows can be hidden: lets PostgreSQL use the partial index.
        .filter(Q(is_closed=True) | Q(is_reserved=True))
        .query.sql_with_params()
    )
    params: dict = {"tenant": tenant.pk}
    for position, value in enumerate(hidden_params):
        params[f"h{position}"] = value
    hidden_sql = hidden_sql % tuple(f"%(h{position})s" for position in range(len(hidden_params)))
    hits = " UNION ALL ".join(
        _probe_sql(number, probe, params, kinds, limit) for number, probe in enumerate(probes)
    )
    via = [int(kind) for kind in VIA_CUSTOMER_KINDS if kind in kinds]
    via_sql = (
        f""" UNION ALL SELECT v.id, v.kind, v.customer_id, 1
        FROM unnest(ARRAY[{",".join(map(str, via))}]::smallint[]) AS k(kind)
        CROSS JOIN LATERAL (SELECT e.id, e.kind, e.customer_id FROM {ENTRY_TABLE} e
            WHERE e.tenant_id = %(tenant)s AND e.kind = k.kind
              AND e.customer_id IN (SELECT customer_id FROM hits WHERE kind IN (1, 2))
            LIMIT {int(limit)}) v"""  # noqa: S608 (table names from the models, values bound)
        if via
        else ""
    )
    # ``hidden`` is inlined into each limited scan (an anti-join probing the partial index per
    # candidate row); materialized, it was read whole and hashed again by every scan.
    sql = f"""
        WITH hidden AS NOT MATERIALIZED ({hidden_sql}),
        hits AS MATERIALIZED ({hits})
        SELECT h.kind, e.object_id, e.customer_id, e.label, e.sublabel, COALESCE(tp.name, '')
        FROM (SELECT entry_id, kind, customer_id, 0 AS via FROM hits{via_sql}) h
        JOIN {ENTRY_TABLE} e ON e.id = h.entry_id
        LEFT JOIN {ThirdParty._meta.db_table} tp ON tp.id = e.customer_id AND e.kind > 2
        ORDER BY h.kind, h.via, e.label, e.id
    """  # noqa: S608 (table names from the models, values bound)
    return sql, params


def quick_search(*, tenant, user, query: str, limit_per_kind: int = LIMIT_PER_KIND) -> list[SearchResult]:
    """The results of ``query`` for ``user`` in ``tenant``, ordered by kind, at most
    ``limit_per_kind`` per kind; one SQL statement (plus the user's permission lookup)."""
    probes = query_probes(query)
    if not probes:
        return []
    kinds = viewable_kinds(user)
    if not kinds:
        return []
    sql, params = quick_search_sql(tenant=tenant, user=user, probes=probes, kinds=kinds, limit=limit_per_kind)
    with connection.cursor() as cursor:
        # One round trip (SEARCH_SETTINGS, then the query); the client-side binding of Django's psycopg cursor sends literal values, so each query gets
        # a custom plan (a generic plan would not use the prefix range).
        cursor.execute(f"{SEARCH_SETTINGS}; {sql}", params)
        cursor.nextset()
        rows = cursor.fetchall()
    results: list[SearchResult] = []
    seen: set[tuple] = set()
    per_kind: dict[int, int] = {}
    for kind, object_id, customer_id, label, sublabel, customer_name in rows:
        key = (kind, object_id, customer_id)
        if key in seen or per_kind.get(kind, 0) >= limit_per_kind:
            continue
        seen.add(key)
        per_kind[kind] = per_kind.get(kind, 0) + 1
        results.append(SearchResult(kind, object_id, customer_id, label, sublabel, customer_name))
    return results
