"""The installed base of a customer grouped by address, site, article (default), family, brand or
business line (``?group=``), and the "Parc installé" section of the third party's page (counts per
article family, each linking to the asset list). One GROUP BY query each."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from parc.selectors_installed_base import DEFAULT_GROUP, GROUPINGS, installed_base_counts
from tiers.views.detail import Section, section_register
from tiers.views.third_parties import ThirdPartyObjectMixin


def asset_list_url(customer, **filters) -> str:
    query = {"client": customer.code, "activite": "toutes", **filters}
    return f"{reverse('parc:asset_list')}?{urlencode(query)}"


def counts_with_links(*, request, customer, group: str) -> list[dict]:
    grouping = GROUPINGS[group]
    rows = []
    for item in installed_base_counts(
        tenant=request.tenant, user=request.user, customer=customer, group=group
    ):
        url = None
        if grouping.list_filter is not None and item.key is not None:
            url = asset_list_url(customer, **{grouping.list_filter[0]: item.key})
        rows.append({"label": item.label, "count": item.count, "url": url})
    return rows


class InstalledBaseView(ThirdPartyObjectMixin, View):
    permission_required = "parc.view_asset"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        group = request.GET.get("group", DEFAULT_GROUP)
        if group not in GROUPINGS:
            group = DEFAULT_GROUP
        rows = counts_with_links(request=request, customer=self.third_party, group=group)
        context = {
            "third_party": self.third_party,
            "title": _("Parc installé"),
            "group": group,
            "groupings": [(key, grouping.label) for key, grouping in GROUPINGS.items()],
            "rows": rows,
            "total": sum(row["count"] for row in rows),
            "list_url": asset_list_url(self.third_party),
        }
        return render(request, "parc/installed_base/page.html", context)


def _section_load(request, third_party) -> dict:
    return {
        "installed_base_rows": counts_with_links(request=request, customer=third_party, group="family"),
        "installed_base_url": reverse("parc:installed_base", kwargs={"pk": third_party.pk}),
    }


section_register(
    Section(
        name="installed_base",
        template="parc/installed_base/_section.html",
        position=70,
        permission="parc.view_asset",
        load=_section_load,
    )
)

urlpatterns = [
    path("clients/<int:pk>/parc-installe/", InstalledBaseView.as_view(), name="installed_base"),
]
