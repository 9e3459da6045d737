"""Sections about the customer itself: the Présentation sheet (identity, plus the Caractéristiques
and Classifications blocks when selected), the sites (two sheets) and the relations."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from crm.exports.owner import SORT_PARAMETER
from crm.exports.registry import Column, Sheet
from synthese.tabs_details import KEY as DETAILS
from synthese.tabs_details import SiteTabTable, site_rows
from tiers.models import ThirdParty, ThirdPartyStatisticalFamily
from tiers.models.characteristics import CharacteristicTarget
from tiers.selectors_characteristics import characteristics_for
from tiers.selectors_links import filiation_links_of, management_links_of, relations_of
from tiers.tables import status_badges

from .common import CHUNK_SIZE, ExportState, joined, queryset_sheet

CHARACTERISTICS = "caracteristiques"
CLASSIFICATIONS = "classifications"
SITES_TABLE = f"{DETAILS}-sites"  # the key of the Détails tab's sites table (its sort parameter)


def _presentation_columns() -> list[Column]:
    return [
        Column(_("Rubrique"), width=22),
        Column(_("Information"), width=32),
        Column(_("Valeur"), width=60),
    ]


def _identity(customer: ThirdParty) -> Iterator[list]:
    block = _("Identité")
    fields = [
        (_("Code"), customer.code),
        (_("Raison sociale"), customer.name),
        (_("Intitulé court"), customer.short_name),
        (_("Sigle"), customer.acronym),
        (_("Statut"), ", ".join(label for _css, label in status_badges(customer))),
        (_("SIREN"), customer.siren),
        (_("SIRET"), customer.siret),
        (_("Code NAF/APE"), customer.naf),
        (_("N° TVA intracommunautaire"), customer.vat_number),
        (_("Site web"), customer.website),
        (_("Client depuis"), customer.client_since),
        (_("Observations"), customer.observations),
    ]
    for label, value in fields:
        yield [block, label, value]


def _characteristics(state: ExportState) -> Iterator[list]:
    """The fields the Détails tab shows (those visible in the synthèse), group by group."""
    groups = characteristics_for(
        tenant=state.tenant,
        record=state.ctx.customer,
        target=CharacteristicTarget.THIRD_PARTY,
        synthese_only=True,
    )
    for group in groups:
        for row in group.rows:
            yield [group.label, row.label, row.value]


def _classifications(state: ExportState) -> Iterator[list]:
    block = _("Classifications")
    customer = (
        ThirdParty.objects.filter(tenant=state.tenant, pk=state.ctx.customer.pk)
        .select_related("category")
        .prefetch_related("classifications", "tags")
        .get()
    )
    yield [block, _("Catégorie"), customer.category.label if customer.category else ""]
    for value in sorted(customer.classifications.all(), key=lambda item: (item.kind, item.label)):
        yield [block, _("Classification (%(kind)s)") % {"kind": value.get_kind_display()}, value.label]
    tags = ", ".join(sorted(tag.label for tag in customer.tags.all()))
    yield [block, _("Étiquettes"), tags]
    families = (
        ThirdPartyStatisticalFamily.objects.filter(tenant=state.tenant, third_party=customer)
        .select_related("axis", "family")
        .order_by("axis__position", "axis__code")
    )
    for item in families:
        yield [_("Familles statistiques"), item.axis.label, joined(item.family.code, item.family.label)]


def presentation(state: ExportState) -> Sheet:
    """Always the first sheet: the identity, then the selected blocks."""
    rows = list(_identity(state.ctx.customer))
    if CHARACTERISTICS in state.selection:
        rows.extend(_characteristics(state))
    if CLASSIFICATIONS in state.selection:
        rows.extend(_classifications(state))
    return Sheet(title=_("Présentation"), columns=_presentation_columns(), rows=rows, count=len(rows))


def _reps(site) -> list[tuple[str, str]]:
    from synthese.tables import user_name

    return [(link.business_line.name, user_name(link.rep)) for link in site.business_line_links.all()]


def sites(state: ExportState) -> list[Sheet]:
    """ "Sites": one line per site with all its business lines and reps; "Sites - Commerciaux":
    one line per site x business line with its rep. Both in the order of the Détails tab's
    sites table (its sort when the user chose one)."""
    rows = site_rows(state.ctx)
    sort = state.query.get(f"{SITES_TABLE}-{SORT_PARAMETER}")
    if sort:
        rows = SiteTabTable(rows, ctx=state.ctx, key=SITES_TABLE, order_by=sort).data.data
    place = [
        Column(_("Site"), width=28),
        Column(_("Principal"), width=10),
        Column(_("Adresse"), width=36),
        Column(_("Code postal"), width=10),
        Column(_("Ville"), width=24),
    ]

    def where(site) -> list:
        address = site.address
        return [
            site.name,
            site.is_main,
            joined(address.line1, address.line2, separator=", "),
            address.postal_code,
            address.city,
        ]

    def one_line(site) -> list:
        reps = _reps(site)
        return [
            *where(site),
            ", ".join(line for line, _rep in reps),
            ", ".join(f"{line} : {rep}" for line, rep in reps if rep),
        ]

    summary = queryset_sheet(
        _("Sites"),
        [*place, Column(_("Activités"), width=36), Column(_("Commerciaux"), width=48)],
        rows,
        one_line,
    )

    def per_line() -> Iterator[list]:
        for site in rows.iterator(chunk_size=CHUNK_SIZE):
            reps = _reps(site) or [("", "")]
            for line, rep in reps:
                yield [*where(site), line, rep]

    from tiers.models import SiteBusinessLine

    lines = SiteBusinessLine.objects.filter(tenant=state.tenant, site__in=rows.values("pk")).count()
    empty = rows.exclude(business_line_links__isnull=False).count()
    detail = Sheet(
        title=_("Sites - Commerciaux"),
        columns=[*place, Column(_("Activité"), width=24), Column(_("Commercial"), width=28)],
        rows=per_line(),
        count=lines + empty,
    )
    return [summary, detail]


def relations(state: ExportState) -> list[Sheet]:
    """Management links, filiation links and typed relations, both ends visible to the user."""
    ctx = state.ctx
    kwargs = {"tenant": ctx.tenant, "user": ctx.user, "third_party": ctx.customer}
    rows: list[list] = []
    for link in management_links_of(**kwargs):
        rows.append(
            [
                _("Lien de gestion"),
                f"{link.own_role} / {link.other_role}",
                link.other.code,
                link.other.name,
                "",
            ]
        )
    for link in filiation_links_of(**kwargs):
        rows.append(
            [
                _("Lien de filiation"),
                joined(link.link.link_type.label, link.direction_label, separator=" — "),
                link.other.code,
                link.other.name,
                "",
            ]
        )
    for row in relations_of(**kwargs):
        relation = row.relation
        other = relation.target if row.outgoing else relation.source_third_party
        rows.append(
            [
                _("Relation"),
                relation.relation_type.label,
                other.code if other is not None else "",
                other.name if row.outgoing else row.source_label,
                relation.comment,
            ]
        )
    columns = [
        Column(_("Lien"), width=18),
        Column(_("Nature"), width=32),
        Column(_("Code du tiers lié"), width=14),
        Column(_("Tiers lié"), width=36),
        Column(_("Commentaire"), width=40),
    ]
    return [Sheet(title=_("Relations"), columns=columns, rows=rows, count=len(rows))]
