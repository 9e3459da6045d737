"""django-filter FilterSets of the customer, prospect and contact lists.

A FilterSet is built from the query string, the tenant and the user (no request: the Excel
export re-applies it from the query string stored on its job). Two filters have defaults
applied when the query string does not carry them, and ``querystring()`` returns the
effective query string (defaults included), which is what an export stores:

- ``activite``: the user's business-line selection of the top bar (empty selection: all);
  the explicit choice ``toutes`` shows every business line;
- ``etat``: open accounts; closed ones are offered only to users who may see closed accounts
  (others never see them anyway: the visibility filter hides them in SQL).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from crm.exports.owner import PAGE_PARAMETER
from crm.filters import registered_filterset
from crm.models import BusinessLine, Company

from .models import Lifecycle, SegmentKind, SegmentValue, Tag
from .models.third_parties import PROSPECT_LIFECYCLES
from .selectors import VIEW_CLOSED_PERMISSION
from .selectors_links import linked_group_q
from .selectors_lists import (
    business_lines_q,
    city_q,
    contact_rows,
    contact_search_q,
    postal_code_q,
    rep_q,
    search_words,
    tags_q,
    third_party_rows,
    third_party_search_q,
    word_start_regex,
)
from .selectors_terms import terms_rep_q

ALL_BUSINESS_LINES = "toutes"
OPEN = "ouverts"
CLOSED = "fermes"
OPEN_AND_CLOSED = "tous"
# Parameters of the screen that are not filters (the table's sort and page): crm.exports.owner.


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class UserChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = UserChoiceField


class _TenantFilterSet(django_filters.FilterSet):
    """A FilterSet bound to a tenant and a user, always bound to (a copy of) ``data``."""

    def __init__(self, data=None, *, tenant: Company, user, queryset=None, prefix=None) -> None:
        self.tenant = tenant
        self.user = user
        data = data.copy() if data is not None else QueryDict(mutable=True)
        super().__init__(data=data, queryset=queryset, prefix=prefix)
        self.data = data  # django-filter replaces an empty QueryDict by {}: keep the QueryDict

    def querystring(self) -> str:
        """The effective query string (with defaults), without the page number."""
        data = self.data.copy()
        data.pop(PAGE_PARAMETER, None)
        return data.urlencode()


class ThirdPartyFilterSet(_TenantFilterSet):
    q = django_filters.CharFilter(
        label=_("Recherche"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("Début des mots du nom, du code postal ou de la ville, dans n'importe quel ordre."),
    )
    nom = django_filters.CharFilter(label=_("Raison sociale"), method="filter_name")
    code = django_filters.CharFilter(label=_("Code"), field_name="code", lookup_expr="istartswith")
    code_postal = django_filters.CharFilter(label=_("Code postal"), method="filter_postal_code")
    ville = django_filters.CharFilter(label=_("Ville"), method="filter_city")
    commercial = UserChoiceFilter(
        label=_("Commercial"),
        queryset=None,  # set per tenant in __init__
        method="filter_rep",
        empty_label=_("Tous"),
    )
    activite = django_filters.MultipleChoiceFilter(
        label=_("Activités"), choices=[], method="filter_business_lines"
    )
    etiquettes = django_filters.ModelMultipleChoiceFilter(
        label=_("Étiquettes"), queryset=None, method="filter_tags"
    )
    groupe = django_filters.CharFilter(
        label=_("Groupe lié"),
        method="filter_linked_group",
        help_text=_("Code d'un tiers : lui, ses liens de gestion et de filiation, et son groupe."),
    )
    etat = django_filters.ChoiceFilter(
        label=_("État"),
        choices=[
            (OPEN, _("Ouverts")),
            (CLOSED, _("Fermés")),
            (OPEN_AND_CLOSED, _("Ouverts et fermés")),
        ],
        method="filter_state",
        empty_label=None,
    )

    def __init__(self, data=None, *, tenant: Company, user, default_business_lines=None, **kwargs) -> None:
        super().__init__(data, tenant=tenant, user=user, **kwargs)
        users = (
            get_user_model()
            .objects.filter(memberships__tenant=tenant, memberships__is_active=True)
            .order_by("last_name", "first_name", "username")
        )
        self.filters["commercial"].queryset = users
        self.filters["etiquettes"].queryset = Tag.objects.filter(tenant=tenant).order_by("label")
        business_lines = list(BusinessLine.objects.filter(tenant=tenant).order_by("name"))
        self.filters["activite"].extra["choices"] = [
            (ALL_BUSINESS_LINES, _("Toutes les activités")),
            *[(str(line.pk), line.name) for line in business_lines],
        ]
        if "activite" not in self.data:
            defaults = [str(pk) for pk in default_business_lines or []]
            self.data.setlist("activite", defaults or [ALL_BUSINESS_LINES])
        if not user.has_perm(VIEW_CLOSED_PERMISSION):
            # Closed accounts are hidden from this user by the visibility filter: no choice.
            del self.filters["etat"]
            self.data.pop("etat", None)
        elif "etat" not in self.data:
            self.data["etat"] = OPEN

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if "etat" not in self.filters:
            queryset = queryset.filter(is_closed=False)
        return queryset

    def filter_search(self, queryset, name, value):
        return queryset.filter(third_party_search_q(value))

    def filter_name(self, queryset, name, value):
        for word in search_words(value):
            queryset = queryset.filter(name_search__regex=word_start_regex(word))
        return queryset

    def filter_postal_code(self, queryset, name, value):
        return queryset.filter(postal_code_q(value))

    def filter_city(self, queryset, name, value):
        return queryset.filter(city_q(value))

    def filter_rep(self, queryset, name, value):
        # A site business line's rep, rep 1 or 2, a secondary rep or a suivi commercial's rep.
        return queryset.filter(rep_q(value.pk) | terms_rep_q(value.pk))

    def filter_business_lines(self, queryset, name, value):
        if not value or ALL_BUSINESS_LINES in value:
            return queryset
        return queryset.filter(business_lines_q([int(pk) for pk in value]))

    def filter_tags(self, queryset, name, value):
        return queryset.filter(tags_q([tag.pk for tag in value])) if value else queryset

    def filter_linked_group(self, queryset, name, value):
        return queryset.filter(linked_group_q(tenant=self.tenant, code=value))

    def filter_state(self, queryset, name, value):
        if value == CLOSED:
            return queryset.filter(is_closed=True)
        if value == OPEN_AND_CLOSED:
            return queryset
        return queryset.filter(is_closed=False)


class CustomerFilterSet(ThirdPartyFilterSet):
    pass


class ProspectFilterSet(ThirdPartyFilterSet):
    statut = django_filters.ChoiceFilter(
        label=_("Statut"),
        field_name="lifecycle",
        choices=[
            (Lifecycle.PROSPECT_DRAFT.value, _("Brouillon")),
            (Lifecycle.PROSPECT_VALIDATED.value, _("Validé")),
        ],
        empty_label=_("Tous"),
    )


class ContactFilterSet(_TenantFilterSet):
    q = django_filters.CharFilter(
        label=_("Recherche"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("Début des mots du nom, du prénom ou de l'e-mail, dans n'importe quel ordre."),
    )
    fonction = django_filters.ModelChoiceFilter(
        label=_("Fonction"),
        queryset=None,  # set per tenant in __init__
        field_name="function",
        empty_label=_("Toutes"),
    )

    def __init__(self, data=None, *, tenant: Company, user, **kwargs) -> None:
        kwargs.pop("default_business_lines", None)
        super().__init__(data, tenant=tenant, user=user, **kwargs)
        self.filters["fonction"].queryset = SegmentValue.objects.filter(
            tenant=tenant, kind=SegmentKind.CONTACT_FUNCTION
        ).order_by("label")

    def filter_search(self, queryset, name, value):
        return queryset.filter(contact_search_q(value))


def _customer_rows(*, tenant: Company, user):
    return third_party_rows(tenant=tenant, user=user, lifecycles=[Lifecycle.CUSTOMER])


def _prospect_rows(*, tenant: Company, user):
    return third_party_rows(tenant=tenant, user=user, lifecycles=PROSPECT_LIFECYCLES)


# The lists: {key: (FilterSet, selector of its rows)}; the key is also the export's key.
LISTS = {
    "customers": (CustomerFilterSet, _customer_rows),
    "prospects": (ProspectFilterSet, _prospect_rows),
    "contacts": (ContactFilterSet, contact_rows),
}


def list_filterset(key: str, data, **kwargs):
    """The FilterSet of list ``key`` over its selector's rows, bound to ``data`` (a QueryDict)."""
    return registered_filterset(LISTS, key, data, **kwargs)
