"""django-tables2 tables of the customer, prospect and contact lists.

Every column reads an annotation or a prefetched attribute of the row (tiers.selectors_lists),
so a page costs the same number of queries for 2 rows and for 25.
"""

from __future__ import annotations

import django_tables2 as tables
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from crm.exports.owner import PAGE_PARAMETER, SORT_PARAMETER
from crm.normalize import phone_display

from .models import Lifecycle, ThirdParty

PER_PAGE = 25

_LIFECYCLE_BADGES = {
    Lifecycle.PROSPECT_DRAFT: ("badge-muted", _("Prospect brouillon")),
    Lifecycle.PROSPECT_VALIDATED: ("badge-warning", _("Prospect validé")),
    Lifecycle.CUSTOMER: ("badge-success", _("Client")),
}


def status_badges(third_party: ThirdParty) -> list[tuple[str, str]]:
    """The (CSS class, French label) badges of a third party's status, shared by lists and page."""
    badges = [_LIFECYCLE_BADGES[Lifecycle(third_party.lifecycle)]]
    if third_party.is_closed:
        badges.append(("badge-danger", _("Fermé")))
    if third_party.is_blocked:
        badges.append(("badge-danger", _("Compte bloqué")))
    return [(css, str(label)) for css, label in badges]


def _detail_url(record) -> str:
    return reverse("tiers:detail", kwargs={"pk": record.pk})


class _BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "table"}
        template_name = "django_tables2/table.html"
        order_by_field = SORT_PARAMETER
        page_field = PAGE_PARAMETER
        per_page = PER_PAGE
        empty_text = _("Aucun résultat.")


class ThirdPartyTable(_BaseTable):
    code = tables.Column(verbose_name=_("Code"))
    name = tables.Column(verbose_name=_("Raison sociale"), linkify=_detail_url)
    main_postal_code = tables.Column(verbose_name=_("Code postal"))
    main_city = tables.Column(verbose_name=_("Ville"))
    main_phone = tables.Column(verbose_name=_("Téléphone"), orderable=False)
    status = tables.Column(
        verbose_name=_("Statut"), accessor="lifecycle", order_by=("lifecycle", "name"), empty_values=()
    )
    business_line_names = tables.Column(verbose_name=_("Activités"), orderable=False, empty_values=())

    class Meta(_BaseTable.Meta):
        pass

    def render_main_phone(self, value) -> str:
        return format_html('<a href="tel:{}">{}</a>', value, phone_display(value))

    def render_status(self, record) -> str:
        return format_html_join(" ", '<span class="badge {}">{}</span>', status_badges(record))

    def render_business_line_names(self, value) -> str:
        return ", ".join(value or []) or "—"


class ContactTable(_BaseTable):
    name = tables.Column(
        verbose_name=_("Nom"), accessor="last_name", order_by=("last_name", "first_name"), empty_values=()
    )
    function = tables.Column(
        verbose_name=_("Fonction"), accessor="function__label", order_by="function__label"
    )
    third_parties = tables.Column(verbose_name=_("Tiers"), accessor="pk", orderable=False, empty_values=())
    phone = tables.Column(verbose_name=_("Téléphone"), orderable=False, empty_values=())
    email = tables.Column(verbose_name=_("E-mail"))

    class Meta(_BaseTable.Meta):
        pass

    def render_name(self, record) -> str:
        # A contact's page is reached under one of its third parties: the first visible one.
        if record.visible_links:
            try:
                link = reverse(
                    "tiers:contact_detail",
                    kwargs={"pk": record.visible_links[0].third_party_id, "contact_pk": record.pk},
                )
            except NoReverseMatch:  # the contacts area's pages are optional for the list
                link = None
            if link is not None:
                return format_html('<a href="{}">{}</a>', link, record)
        return str(record)

    def render_third_parties(self, record) -> str:
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((_detail_url(link.third_party), link.third_party.name) for link in record.visible_links),
        )

    def render_phone(self, record) -> str:
        numbers = [number for number in (record.phone, record.mobile) if number]
        if not numbers:
            return "—"
        return format_html_join(
            " · ", '<a href="tel:{}">{}</a>', ((number, phone_display(number)) for number in numbers)
        )

    def render_email(self, value) -> str:
        return format_html('<a href="mailto:{}">{}</a>', value, value)
