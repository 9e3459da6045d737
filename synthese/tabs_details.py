"""Synthèse tab Détails: the customer's contacts (active ones unless asked), its sites with
"Filtrer", wiki and vault buttons, its open technical quotes, and one section per characteristic
group with the fields visible in the synthèse.

Filters: business lines keep the sites serving one of them; a site keeps the contacts linked at
that site's address. The tab's count is its contacts.
"""

from __future__ import annotations

import django_tables2 as tables
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from crm.normalize import phone_display
from tiers.models import ContactLink, Site, SiteBusinessLine
from tiers.models.characteristics import CharacteristicTarget
from tiers.selectors_characteristics import characteristics_for
from tiers.selectors_contacts import contacts_for_third_party
from tiers.selectors_records import target_kwargs
from tiers.selectors_sites_banks import sites_of
from ventes.models import Quote, QuoteStatus, QuoteType
from ventes.tables import url_of

from .context import SyntheseContext
from .tables import FilterColumn, TabTable, money_column, panel_button, render_tab
from .tabs import Tab, tab_register

KEY = "details"
INACTIVE_PARAMETER = f"{KEY}-inactifs"


def _site_address(ctx: SyntheseContext, links: QuerySet[ContactLink]) -> QuerySet[ContactLink]:
    if not ctx.site_id:
        return links
    address = Site.objects.filter(tenant=ctx.tenant, third_party=ctx.customer, pk=ctx.site_id).values(
        "address_id"
    )
    return links.filter(address_id__in=address)


def contact_rows(ctx: SyntheseContext, *, include_inactive: bool = False) -> QuerySet[ContactLink]:
    """The customer's contact links (active ones unless asked); a site: those at its address."""
    links = contacts_for_third_party(
        tenant=ctx.tenant, user=ctx.user, third_party=ctx.customer, include_inactive=include_inactive
    )
    return _site_address(ctx, links)


def site_rows(ctx: SyntheseContext) -> QuerySet[Site]:
    """The customer's sites (main first); business lines: the sites serving one of them."""
    sites = sites_of(tenant=ctx.tenant, third_party=ctx.customer)
    if ctx.business_line_ids:
        served = SiteBusinessLine.objects.filter(
            tenant=ctx.tenant, site=OuterRef("pk"), business_line_id__in=ctx.business_line_ids
        )
        sites = sites.filter(Exists(served))
    return sites


def technical_quote_rows(ctx: SyntheseContext) -> QuerySet[Quote]:
    """The customer's technical quotes in progress (no global filter restricts them)."""
    return Quote.objects.filter(
        tenant=ctx.tenant,
        customer=ctx.customer,
        quote_type=QuoteType.TECHNICAL,
        status=QuoteStatus.IN_PROGRESS,
    ).select_related("site")


class ContactTabTable(TabTable):
    row_name = "contact"
    name = tables.Column(
        verbose_name=_("Nom"),
        accessor="contact__last_name",
        order_by=("contact__last_name", "contact__first_name"),
    )
    function = tables.Column(verbose_name=_("Fonction"), accessor="contact__function__label")
    department = tables.Column(verbose_name=_("Service"), accessor="contact__department")
    phone = tables.Column(verbose_name=_("Téléphone"), accessor="contact__phone", orderable=False)
    mobile = tables.Column(verbose_name=_("Portable"), accessor="contact__mobile", orderable=False)
    email = tables.EmailColumn(verbose_name=_("E-mail"), accessor="contact__email")
    address = tables.Column(verbose_name=_("Adresse"), accessor="address__code")
    is_active = tables.BooleanColumn(verbose_name=_("Actif"), yesno=(_("Oui"), _("Non")))

    class Meta(TabTable.Meta):
        order_by = ("name",)

    def row_key(self, record) -> str:
        return f"contact-{record.contact_id}"

    def render_name(self, record) -> str:
        url = reverse(
            "tiers:contact_detail", kwargs={"pk": record.third_party_id, "contact_pk": record.contact_id}
        )
        return format_html('<a href="{}">{}</a>', url, record.contact)

    def render_phone(self, value) -> str:
        return phone_display(value)

    def render_mobile(self, value) -> str:
        return phone_display(value)


class SiteTabTable(TabTable):
    row_name = "site"
    name = tables.Column(verbose_name=_("Site"))
    address = tables.Column(verbose_name=_("Adresse"), accessor="address__line1", orderable=False)
    city = tables.Column(verbose_name=_("Ville"), accessor="address__city")
    business_lines = tables.Column(verbose_name=_("Activités"), accessor="pk", orderable=False)
    records = tables.Column(verbose_name="", accessor="pk", orderable=False)
    filter = FilterColumn("site")

    class Meta(TabTable.Meta):
        order_by = ()

    def render_address(self, record) -> str:
        return f"{record.address.line1}, {record.address.postal_code}"

    def render_business_lines(self, record) -> str:
        return ", ".join(link.business_line.name for link in record.business_line_links.all())

    def render_records(self, record) -> str:
        wiki = reverse("tiers:wiki_list", kwargs=target_kwargs(record))
        vault = reverse("tiers:vault", kwargs={"pk": record.third_party_id})
        return format_html(
            "{} {}",
            panel_button(wiki, _("Wiki")),
            panel_button(vault, _("Coffre-fort"), anchor=f"#site-{record.pk}"),
        )


class TechnicalQuoteTable(TabTable):
    row_name = "devis"
    number = tables.Column(verbose_name=_("Numéro"), linkify=url_of("ventes:quote_detail"))
    issued_on = tables.DateColumn(verbose_name=_("Date"), format="d/m/Y")
    site = tables.Column(verbose_name=_("Site"), accessor="site__name")
    total_excl_tax = money_column(_("Montant HT"))

    class Meta(TabTable.Meta):
        order_by = ("-issued_on", "-number")


def render_details(request, ctx: SyntheseContext, *, exclude=()) -> str:
    from crm.views.pagination import table_configure

    include_inactive = request.GET.get(INACTIVE_PARAMETER) == "1"
    sites = SiteTabTable(site_rows(ctx), ctx=ctx, key=f"{KEY}-sites")
    quotes = TechnicalQuoteTable(technical_quote_rows(ctx), ctx=ctx, key=f"{KEY}-devis")
    for table in (sites, quotes):
        table_configure(request, table, per_page=10)
    groups = characteristics_for(
        tenant=ctx.tenant, record=ctx.customer, target=CharacteristicTarget.THIRD_PARTY, synthese_only=True
    )
    return render_tab(
        request,
        ctx,
        key=KEY,
        table_class=ContactTabTable,
        rows=contact_rows(ctx, include_inactive=include_inactive),
        exclude=exclude,
        extra={
            "sites": sites,
            "quotes": quotes,
            "groups": groups,
            "include_inactive": include_inactive,
            "inactive_parameter": INACTIVE_PARAMETER,
        },
    )


tab_register(Tab(KEY, _("Détails"), 10, "tiers.view_contact", rows=contact_rows, render=render_details))
