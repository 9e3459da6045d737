"""The synthèse's state, read from the query string (so a link, a refresh and the export all see the
same thing): the customer, the global filters (business lines, history period, site, contract,
asset) and the context a quick search or F10 passes (tab, pre-selected contact, highlighted row).

Invalid values are ignored rather than refused (a stale bookmark still opens the synthèse); ids
that do not belong to the customer are ignored too, so a filter can never reach another
customer's rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from crm.models import BusinessLine, Company
from crm.services.parameters import NOMBRE_MOIS_SYNTHESE_CLIENT, parameter_get
from tiers.models import ThirdParty

# Query-string names (French, as users see them in the address bar).
P_TAB = "onglet"
P_BUSINESS_LINES = "activites"
P_MONTHS = "mois"
P_SITE = "site"
P_CONTRACT = "contrat"
P_ASSET = "bien"
P_CONTACT = "contact"
P_ROW = "ligne"
# Aliases accepted from the quick search, F10 and older links.
ALIASES = {"tab": P_TAB, "asset": P_ASSET, "contract": P_CONTRACT, "row": P_ROW}
MAX_MONTHS = 240


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


@dataclass(frozen=True)
class SyntheseContext:
    tenant: Company
    user: object
    customer: ThirdParty
    today: datetime.date
    months: int
    # None: every business line (the synthèse ignores the user's own selection by default).
    business_line_ids: tuple[int, ...] | None = None
    site_id: int | None = None
    contract_id: int | None = None
    asset_id: int | None = None
    tab: str = ""
    contact_id: int | None = None
    row: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def since(self) -> datetime.date:
        """First day of the history period (it ends today)."""
        return self.today - relativedelta(months=self.months)

    @property
    def since_datetime(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.since, datetime.time.min))

    @property
    def row_filter_active(self) -> bool:
        return any((self.site_id, self.contract_id, self.asset_id))

    def params(self, **changes) -> dict[str, str]:
        """The query-string parameters of this state, with ``changes`` (None removes one)."""
        values = {
            P_TAB: self.tab,
            P_BUSINESS_LINES: ",".join(map(str, self.business_line_ids)) if self.business_line_ids else "",
            P_MONTHS: str(self.months),
            P_SITE: self.site_id,
            P_CONTRACT: self.contract_id,
            P_ASSET: self.asset_id,
            P_CONTACT: self.contact_id,
            P_ROW: self.row,
        }
        values.update(changes)
        return {key: str(value) for key, value in values.items() if value not in (None, "")}

    def querystring(self, **changes) -> str:
        return urlencode(self.params(**changes))

    def without_row_filters(self) -> SyntheseContext:
        return replace(self, site_id=None, contract_id=None, asset_id=None, row="")


def _owned_id(model, *, tenant: Company, customer: ThirdParty, pk: int | None, field_name: str = "customer"):
    if pk is None:
        return None
    exists = model.objects.filter(tenant=tenant, pk=pk, **{field_name: customer}).exists()
    return pk if exists else None


def context_from_query(query, *, tenant: Company, user, customer: ThirdParty, today=None) -> SyntheseContext:
    """The synthèse's state from a QueryDict (or dict) of the request."""
    from parc.models import Asset, ServiceContract
    from tiers.models import ContactLink, Site

    def get(name: str) -> str:
        value = query.get(name)
        if value in (None, ""):
            for alias, target in ALIASES.items():
                if target == name and query.get(alias) not in (None, ""):
                    return query.get(alias)
        return value or ""

    default_months = parameter_get(tenant=tenant, key=NOMBRE_MOIS_SYNTHESE_CLIENT)
    months = _int(get(P_MONTHS)) or default_months
    # Business lines: ``activites=1,2`` or ``activites=1&activites=2`` (the filter form's boxes);
    # every line of the tenant selected is no filter at all.
    values = query.getlist(P_BUSINESS_LINES) if hasattr(query, "getlist") else [get(P_BUSINESS_LINES)]
    lines = {_int(part) for value in values for part in (value or "").split(",") if part.strip()} - {None}
    line_ids: tuple[int, ...] = ()
    if lines:
        tenant_lines = set(BusinessLine.objects.filter(tenant=tenant).values_list("pk", flat=True))
        if not tenant_lines <= lines:
            line_ids = tuple(lines & tenant_lines)
    contact_id = _int(get(P_CONTACT))
    if (
        contact_id
        and not ContactLink.objects.filter(
            tenant=tenant, third_party=customer, contact_id=contact_id
        ).exists()
    ):
        contact_id = None
    return SyntheseContext(
        tenant=tenant,
        user=user,
        customer=customer,
        today=today or timezone.localdate(),
        months=min(months, MAX_MONTHS),
        business_line_ids=tuple(sorted(line_ids)) or None,
        site_id=_owned_id(
            Site, tenant=tenant, customer=customer, pk=_int(get(P_SITE)), field_name="third_party"
        ),
        contract_id=_owned_id(ServiceContract, tenant=tenant, customer=customer, pk=_int(get(P_CONTRACT))),
        asset_id=_owned_id(Asset, tenant=tenant, customer=customer, pk=_int(get(P_ASSET))),
        tab=get(P_TAB)[:30],
        contact_id=contact_id,
        row=get(P_ROW)[:40],
    )
