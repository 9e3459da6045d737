"""The quick-search index (DESIGN.md §5, shared/BENCH.md): one entry per searchable object and
one token row per distinct word of it.

``SearchEntry`` holds what a result shows (label, second line) and the customer id only: closed
and reserved customers are filtered at query time through tiers' narrow visibility table, and a
customer's sites and contacts are found by a query-time join on ``customer_id``, so renaming or
closing a customer rewrites no index row.

``SearchToken`` is what a query probes: a covering B-tree on (tenant, kind, token) that also
holds the entry id, the customer id and the entry's normalized text, so one index-only range scan
per kind finds the entries whose words start with the longest typed word and checks the other
typed words in the same index entries. Tokens use the C collation, so a prefix range is a plain
B-tree range. Rows are written by crm.search (raw SQL, in the caller's transaction).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .tenancy import Company, TenantModel

TEXT_MAX_LENGTH = 256
TOKEN_MAX_LENGTH = 64


class SearchKind(models.IntegerChoices):
    """The kinds of results, in the order the quick search shows them (stored as a small int)."""

    CUSTOMER = 1, _("Client")
    PROSPECT = 2, _("Prospect")
    SITE = 3, _("Site")
    CONTACT = 4, _("Personne")
    DEAL = 5, _("Affaire")
    ORDER = 6, _("Commande")
    QUOTE = 7, _("Devis")
    CONTRACT = 8, _("SSC")
    ASSET = 9, _("Bien")
    REQUEST = 10, _("DIT")


def _tenant_field() -> models.ForeignKey:
    # No index on the tenant alone: every index of these tables starts with it.
    return models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("société"),
        editable=False,
        db_index=False,
    )


class SearchEntry(TenantModel):
    id = models.BigAutoField(primary_key=True)
    tenant = _tenant_field()
    kind = models.PositiveSmallIntegerField(_("type"), choices=SearchKind.choices)
    object_id = models.BigIntegerField(_("identifiant de l'objet"))
    # The third party the object belongs to (itself for a customer or prospect); no foreign key:
    # the index is derived data, rebuilt by ``rebuild_search_index``.
    customer_id = models.BigIntegerField(_("identifiant du client"), null=True, blank=True)
    text = models.CharField(_("texte normalisé"), max_length=TEXT_MAX_LENGTH)
    label = models.CharField(_("libellé"), max_length=200)
    sublabel = models.CharField(_("seconde ligne"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("entrée de recherche")
        verbose_name_plural = _("entrées de recherche")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "object_id", "customer_id"],
                nulls_distinct=False,
                name="searchentry_object_unique",
            )
        ]
        indexes = [models.Index(fields=["tenant", "customer_id", "kind"], name="searchentry_customer_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_id}: {self.label}"


class SearchToken(TenantModel):
    pk = models.CompositePrimaryKey("tenant", "entry", "token")
    tenant = _tenant_field()
    entry = models.ForeignKey(
        SearchEntry, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    token = models.CharField(_("jeton"), max_length=TOKEN_MAX_LENGTH, db_collation="C")
    kind = models.PositiveSmallIntegerField(_("type"), choices=SearchKind.choices)
    customer_id = models.BigIntegerField(_("identifiant du client"), null=True, blank=True)
    text = models.CharField(_("texte normalisé"), max_length=TEXT_MAX_LENGTH)

    class Meta:
        verbose_name = _("jeton de recherche")
        verbose_name_plural = _("jetons de recherche")
        indexes = [
            models.Index(
                fields=["tenant", "kind", "token"],
                include=["entry", "customer_id", "text"],
                name="searchtoken_probe_idx",
            )
        ]

    def __str__(self) -> str:
        return self.token
