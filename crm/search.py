"""The quick-search index writer and its registry (DESIGN.md §5; models in crm.models.search).

Apps declare their searchable models at start-up (``<app>/search.py``, imported from the app's
``AppConfig.ready``)::

    search_registry.register(
        (SearchKind.DEAL,), Deal, document=deal_document, fields={"number", "title", "customer"}
    )

``document(instance)`` returns the ``SearchDocument`` list of one object (a contact shared by
three customers has three). Registration connects ``post_save``/``post_delete`` of the model, so
every service write rewrites the object's index rows in its own transaction; ``triggers``
reindex an owner when a row it is built from changes (an address phone → its third party).

Writes that send no signal must call the writer themselves or leave a rebuild to the operator:

- ``QuerySet.update()`` / ``bulk_create()`` / ``bulk_update()`` on a registered model or a
  trigger model (the demo's medium and large scales, imports): run ``rebuild_search_index``
  (``seed_demo`` does it as its last step);
- a merge re-points rows with ``update()``: tiers subscribes ``third_party.merged`` and calls
  ``search_index_refresh_customers`` for the survivor and the loser;
- raw SQL anywhere: ``search_index_refresh(model, tenant_id=..., pks=...)``.

Normalisation (crm.normalize): words are NFKD without marks, lower case, split on anything not a
letter or digit; codes, numbers and serials also give their compacted form ("CMD-2024-000123"
→ "cmd2024000123"); phones give their national digits reversed behind ``#`` ("#9876543210"),
so the last digits typed are a prefix.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, models
from django.db.models.signals import post_delete, post_save

from crm.models.search import TEXT_MAX_LENGTH, TOKEN_MAX_LENGTH, SearchEntry, SearchKind, SearchToken
from crm.normalize import normalize_text

PHONE_PREFIX = "#"
ENTRY_TABLE = SearchEntry._meta.db_table
TOKEN_TABLE = SearchToken._meta.db_table


def compact(value: str) -> str:
    """'CMD-2024-000123' → 'cmd2024000123'."""
    return normalize_text(value).replace(" ", "")


def phone_token(digits: str) -> str:
    """National digits '0123456789' → '#9876543210' (the last digits typed become a prefix)."""
    return PHONE_PREFIX + "".join(char for char in digits if char.isdigit())[::-1]


def capped_text(words: Iterable[str]) -> str:
    """The normalized words joined by spaces, cut on a word boundary at TEXT_MAX_LENGTH."""
    # Repeated words (a short name equal to the name) are kept once.
    text = " ".join(dict.fromkeys(normalize_text(" ".join(word for word in words if word)).split()))
    if len(text) <= TEXT_MAX_LENGTH:
        return text
    return text[: TEXT_MAX_LENGTH + 1].rsplit(" ", 1)[0]


@dataclass
class SearchDocument:
    """What the index knows of one object (for one customer)."""

    kind: int
    object_id: int
    label: str
    customer_id: int | None = None
    sublabel: str = ""
    words: Sequence[str] = ()  # free text: names, city, postal code, e-mail
    codes: Sequence[str] = ()  # codes, numbers, serials: their words and their compacted form
    phones: Sequence[str] = ()  # national digits

    def text(self) -> str:
        return capped_text([*self.codes, *self.words])

    def tokens(self, text: str) -> list[str]:
        """The words of the (capped) text, the compacted codes and the reversed phones."""
        tokens = set(text.split())
        tokens.update(compact(code) for code in self.codes)
        tokens.update(phone_token(phone) for phone in self.phones if phone)
        tokens.discard("")
        tokens.discard(PHONE_PREFIX)
        return sorted({token[:TOKEN_MAX_LENGTH] for token in tokens})


@dataclass
class SearchSpec:
    model: type[models.Model]
    kinds: tuple[int, ...]
    document: Callable[[models.Model], Iterable[SearchDocument]]
    # Adds select_related / prefetch_related to a queryset of the model; None: a saved
    # instance is indexed as it is, without reloading it.
    queryset: Callable[[models.QuerySet], models.QuerySet] | None = None
    # Saves whose update_fields miss all of these are skipped (None: every save reindexes).
    fields: frozenset[str] | None = None
    # (object_id, customer_id) → URL of the record, or None (see ``reverse_or_none``).
    record_url: Callable[[int, int | None], str | None] | None = None

    def load(self, tenant_id: int, pks: Iterable) -> list[models.Model]:
        rows = self.model._base_manager.filter(tenant_id=tenant_id, pk__in=list(pks))
        return list(self.queryset(rows) if self.queryset else rows)


@dataclass
class SearchRegistry:
    _specs: dict[type[models.Model], SearchSpec] = field(default_factory=dict)
    _triggers: dict[type[models.Model], list[tuple[type[models.Model], Callable]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def register(
        self,
        kinds: Iterable[int],
        model: type[models.Model],
        *,
        document: Callable[[models.Model], Iterable[SearchDocument]],
        queryset: Callable[[models.QuerySet], models.QuerySet] | None = None,
        fields: Iterable[str] | None = None,
        record_url: Callable[[int, int | None], str | None] | None = None,
    ) -> None:
        self._specs[model] = SearchSpec(
            model=model,
            kinds=tuple(SearchKind(kind) for kind in kinds),
            document=document,
            queryset=queryset,
            fields=frozenset(fields) if fields is not None else None,
            record_url=record_url,
        )
        uid = f"crm.search.{model._meta.label}"
        post_save.connect(_on_save, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(_on_delete, sender=model, dispatch_uid=uid, weak=False)

    def register_trigger(
        self,
        model: type[models.Model],
        owner: type[models.Model],
        owner_pks: Callable[[models.Model], Iterable],
    ) -> None:
        """A save or delete of ``model`` reindexes the ``owner`` rows ``owner_pks(instance)``."""
        if (owner, owner_pks) not in self._triggers[model]:
            self._triggers[model].append((owner, owner_pks))
        uid = f"crm.search.trigger.{model._meta.label}"
        post_save.connect(_on_trigger, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(_on_trigger, sender=model, dispatch_uid=uid, weak=False)

    def spec(self, model: type[models.Model]) -> SearchSpec:
        return self._specs[model]

    def specs(self) -> list[SearchSpec]:
        return sorted(self._specs.values(), key=lambda spec: spec.kinds[0])

    def spec_of_kind(self, kind: int) -> SearchSpec | None:
        for spec in self._specs.values():
            if kind in spec.kinds:
                return spec
        return None

    def model_of_kind(self, kind: int) -> type[models.Model] | None:
        spec = self.spec_of_kind(kind)
        return spec.model if spec else None

    def triggers(self, model: type[models.Model]) -> list[tuple[type[models.Model], Callable]]:
        return list(self._triggers.get(model, ()))


search_registry = SearchRegistry()


def owned_document_builder(
    kind: int,
    *,
    label: Callable[[models.Model], str],
    codes: Callable[[models.Model], Sequence[str]] = lambda row: (),
    words: Callable[[models.Model], Sequence[str]] = lambda row: (),
    sublabel: Callable[[models.Model], str] = lambda row: "",
) -> Callable[[models.Model], list[SearchDocument]]:
    """The document function of a row that belongs to one customer (``customer_id`` field)."""

    def document(row: models.Model) -> list[SearchDocument]:
        return [
            SearchDocument(
                kind=kind,
                object_id=row.pk,
                customer_id=row.customer_id,
                label=label(row),
                sublabel=sublabel(row),
                codes=codes(row),
                words=words(row),
            )
        ]

    return document


# --- Signals ---------------------------------------------------------------------------------------


def _on_save(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    if raw:
        return
    spec = search_registry.spec(sender)
    if update_fields is not None and spec.fields is not None and not (set(update_fields) & spec.fields):
        return
    search_index_update(instance)


def _on_delete(sender, instance, **kwargs) -> None:
    search_index_delete(sender, instance.pk, tenant_id=instance.tenant_id)


def _on_trigger(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    for owner, owner_pks in search_registry.triggers(sender):
        pks = [pk for pk in owner_pks(instance) if pk is not None]
        if pks:
            search_index_refresh(owner, tenant_id=instance.tenant_id, pks=pks)


def reverse_or_none(name: str, **kwargs) -> str | None:
    """The URL of ``name``, or None while the app that serves it has no such page yet."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


# --- Writer ----------------------------------------------------------------------------------------


def search_index_update(instance: models.Model) -> None:
    """Rewrite the index rows of one object (in the caller's transaction)."""
    spec = search_registry.spec(type(instance))
    if spec.queryset is not None:
        search_index_refresh(spec.model, tenant_id=instance.tenant_id, pks=[instance.pk])
        return
    _entries_delete(instance.tenant_id, spec.kinds, [instance.pk])
    _entries_insert(instance.tenant_id, list(spec.document(instance)))


def search_index_delete(model: type[models.Model], pk, *, tenant_id: int) -> None:
    """Drop the index rows of one object."""
    _entries_delete(tenant_id, search_registry.spec(model).kinds, [pk])


def search_index_refresh(model: type[models.Model], *, tenant_id: int, pks: Iterable) -> None:
    """Reload the objects ``pks`` of ``model`` and rewrite their rows (gone objects lose theirs)."""
    spec = search_registry.spec(model)
    pks = list(pks)
    if not pks:
        return
    documents = [document for row in spec.load(tenant_id, pks) for document in spec.document(row)]
    _entries_delete(tenant_id, spec.kinds, pks)
    _entries_insert(tenant_id, documents)


def search_index_refresh_customers(*, tenant_id: int, customer_ids: Iterable[int]) -> None:
    """Rewrite every object indexed under these customers, and the customers themselves (after a
    merge re-pointed rows with ``update()``)."""
    customer_ids = list(customer_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT kind, object_id FROM {ENTRY_TABLE} WHERE tenant_id = %s AND customer_id = ANY(%s)",  # noqa: S608 (table names from the models, values bound)
            [tenant_id, customer_ids],
        )
        rows = cursor.fetchall()
    by_model: dict[type[models.Model], set] = defaultdict(set)
    for kind, object_id in rows:
        model = search_registry.model_of_kind(kind)
        if model is not None:
            by_model[model].add(object_id)
    for spec in search_registry.specs():
        if SearchKind.CUSTOMER in spec.kinds:
            by_model[spec.model].update(customer_ids)
    for model, pks in by_model.items():
        search_index_refresh(model, tenant_id=tenant_id, pks=pks)


def _entries_delete(tenant_id: int, kinds: Sequence[int], pks: Sequence) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH gone AS (
                DELETE FROM {ENTRY_TABLE}
                WHERE tenant_id = %s AND kind = ANY(%s) AND object_id = ANY(%s)
                RETURNING id
            )
            DELETE FROM {TOKEN_TABLE} t USING gone WHERE t.tenant_id = %s AND t.entry_id = gone.id
            """,  # noqa: S608 (table names from the models, values bound)
            [tenant_id, [int(kind) for kind in kinds], [int(pk) for pk in pks], tenant_id],
        )


def _entries_insert(tenant_id: int, documents: Sequence[SearchDocument]) -> int:
    """Insert entries and their tokens with one statement (arrays unnested server-side)."""
    if not documents:
        return 0
    columns: dict[str, list] = defaultdict(list)
    for number, document in enumerate(documents):
        text = document.text()
        columns["n"].append(number)
        columns["kind"].append(int(document.kind))
        columns["object_id"].append(int(document.object_id))
        columns["customer_id"].append(document.customer_id)
        columns["text"].append(text)
        columns["label"].append(document.label[:200])
        columns["sublabel"].append(document.sublabel[:200])
        for token in document.tokens(text):
            columns["token_n"].append(number)
            columns["token"].append(token)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH docs AS (
                SELECT * FROM unnest(%s::int[], %s::smallint[], %s::bigint[], %s::bigint[],
                                     %s::text[], %s::text[], %s::text[])
                    AS d(n, kind, object_id, customer_id, text, label, sublabel)
            ),
            new AS (
                INSERT INTO {ENTRY_TABLE} (tenant_id, kind, object_id, customer_id, text, label, sublabel)
                SELECT %s, kind, object_id, customer_id, text, label, sublabel FROM docs ORDER BY n
                RETURNING id, kind, object_id, customer_id
            )
            INSERT INTO {TOKEN_TABLE} (tenant_id, entry_id, token, kind, customer_id, text)
            SELECT %s, new.id, tok.token, docs.kind, docs.customer_id, docs.text
            FROM unnest(%s::int[], %s::text[]) AS tok(n, token)
            JOIN docs ON docs.n = tok.n
            JOIN new ON new.kind = docs.kind AND new.object_id = docs.object_id
                    AND new.customer_id IS NOT DISTINCT FROM docs.customer_id
            """,  # noqa: S608 (table names from the models, values bound)
            [
                columns["n"],
                columns["kind"],
                columns["object_id"],
                columns["customer_id"],
                columns["text"],
                columns["label"],
                columns["sublabel"],
                tenant_id,
                tenant_id,
                columns["token_n"],
                columns["token"],
            ],
        )
    return len(documents)


# --- Rebuild ---------------------------------------------------------------------------------------

REBUILD_CHUNK = 2_000


def search_index_rebuild(*, tenant_id: int, out: Callable[[str], None] | None = None) -> dict[str, int]:
    """Rebuild the tenant's whole index (in the caller's transaction); returns entries per model.

    Each model is read in primary-key chunks with its ``queryset`` (related rows prefetched per
    chunk) and written with one multi-row statement per chunk.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TOKEN_TABLE} WHERE tenant_id = %s", [tenant_id])  # noqa: S608 (table names from the models, values bound)
        cursor.execute(f"DELETE FROM {ENTRY_TABLE} WHERE tenant_id = %s", [tenant_id])  # noqa: S608 (table names from the models, values bound)
    counts: dict[str, int] = {}
    for spec in search_registry.specs():
        total = 0
        base = spec.model._base_manager.filter(tenant_id=tenant_id).order_by("pk")
        last_pk = None
        while True:
            chunk = base if last_pk is None else base.filter(pk__gt=last_pk)
            rows = list((spec.queryset(chunk) if spec.queryset else chunk)[:REBUILD_CHUNK])
            if not rows:
                break
            last_pk = rows[-1].pk
            total += _entries_insert(tenant_id, [doc for row in rows for doc in spec.document(row)])
        counts[spec.model._meta.label] = total
        if out is not None:
            out(f"  {spec.model._meta.label} : {total} entrées")
    return counts
