"""Reads of the synthèse's frame (header and right-hand blocks), with a fixed number of queries
whatever the customer's size: the customer (visibility checked), the site shown (main or
filtered, with its address, phone and e-mail), the tags, the business lines and sites of the
filter form, and the labels of the active row filters (one query each, only when set).

The tab bar's counts are synthese.tabs.tab_counts (one query); the tab bodies are the tabs'.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery

from crm.models import BusinessLine, Company
from parc.models import Asset, ServiceContract
from tiers.models import Address, AddressEmail, AddressPhone, Site, Tag, ThirdParty
from tiers.selectors import third_party_get_visible
from tiers.tables import status_badges

from .context import SyntheseContext

SOCIETE_COM_URL = "https://www.societe.com/cgi-bin/search?champs={siren}"
CREDITSAFE_URL = "https://app.creditsafe.com/companies?countries=FR&regNo={siret}"


def customer_get(*, tenant: Company, user, pk: int) -> ThirdParty:
    """The customer or prospect of the synthèse; ThirdParty.DoesNotExist (404) when the user may
    not see it (another tenant's, reserved to other users, closed without the right)."""
    return third_party_get_visible(tenant=tenant, user=user, pk=pk)


def _with_contact_points(queryset, address_field: str):
    """Annotate the first phone and e-mail of the address reached through ``address_field``."""
    phones = AddressPhone.objects.filter(address_id=OuterRef(address_field)).order_by("pk")
    emails = AddressEmail.objects.filter(address_id=OuterRef(address_field)).order_by("pk")
    return queryset.annotate(
        phone=Subquery(phones.values("number")[:1]), email=Subquery(emails.values("email")[:1])
    )


@dataclass
class Frame:
    customer: ThirdParty
    badges: list[tuple[str, str]]
    main_site: Site | None
    map_site: Site | None  # the filtered site, else the main site
    address: Address | None  # the main site's, else the default address
    phone: str
    email: str
    tags: list[Tag]
    business_lines: list[BusinessLine]
    sites: list[Site]
    contract: ServiceContract | None = None
    asset: Asset | None = None
    links: list[tuple[str, str]] = field(default_factory=list)
    portals: list[tuple[str, str]] = field(default_factory=list)


def external_links(customer: ThirdParty, website: str = "") -> list[tuple[str, str]]:
    """(label, URL) of the customer's website and of the company registries from its SIRET."""
    links = []
    if website:
        url = website if "://" in website else f"https://{website}"
        links.append(("Site internet", url))
    siren = customer.siren or customer.siret[:9]
    if siren:
        links.append(("Société.com", SOCIETE_COM_URL.format(siren=quote(siren))))
    if customer.siret:
        links.append(("Creditsafe", CREDITSAFE_URL.format(siret=quote(customer.siret))))
    return links


def portal_links(customer: ThirdParty) -> list[tuple[str, str]]:
    """The customer's portals from the SYNTHESE_PORTAL_LINKS setting (none by default)."""
    return [
        (label, template.format(code=quote(customer.code), pk=customer.pk))
        for label, template in getattr(settings, "SYNTHESE_PORTAL_LINKS", ())
    ]


def frame_load(ctx: SyntheseContext) -> Frame:
    """Everything the frame shows but the tab bar, for the customer of ``ctx``."""
    tenant, customer = ctx.tenant, ctx.customer
    shown = Q(is_main=True) | Q(pk=ctx.site_id) if ctx.site_id else Q(is_main=True)
    sites_shown = list(
        _with_contact_points(
            Site.objects.filter(tenant=tenant, third_party=customer).filter(shown).select_related("address"),
            "address_id",
        )
    )
    main_site = next((site for site in sites_shown if site.is_main), None)
    filtered = next((site for site in sites_shown if site.pk == ctx.site_id), None)
    if main_site is not None:
        address, phone, email = main_site.address, main_site.phone, main_site.email
    else:
        address = (
            _with_contact_points(Address.objects.filter(tenant=tenant, third_party=customer), "pk")
            .order_by("-is_default", "code")
            .first()
        )
        phone, email = (address.phone, address.email) if address else ("", "")
    frame = Frame(
        customer=customer,
        badges=status_badges(customer),
        main_site=main_site,
        map_site=filtered or main_site,
        address=address,
        phone=phone or "",
        email=email or "",
        tags=list(Tag.objects.filter(tenant=tenant, thirdpartytag__third_party=customer).order_by("label")),
        business_lines=list(BusinessLine.objects.filter(tenant=tenant).order_by("name")),
        sites=list(
            Site.objects.filter(tenant=tenant, third_party=customer)
            .only("pk", "name", "is_main")
            .order_by("-is_main", "name")
        ),
        links=external_links(customer, customer.website or (address.website if address else "")),
        portals=portal_links(customer),
    )
    if ctx.contract_id:
        frame.contract = ServiceContract.objects.filter(tenant=tenant, pk=ctx.contract_id).first()
    if ctx.asset_id:
        frame.asset = Asset.objects.filter(tenant=tenant, pk=ctx.asset_id).first()
    return frame
