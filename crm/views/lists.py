"""The list screen every app uses: permission → FilterSet over a selector's queryset → Table →
template; an htmx request gets only the results partial, and the same FilterSet feeds the Excel
exporter named ``export_key`` (so a list and its export never disagree)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import render
from django.views import View

from crm.exports.registry import EXPORT_PERMISSION, PDF, exporter_registry
from crm.services.tenancy import business_lines_current
from crm.views.base import TenantPermissionRequiredMixin
from crm.views.pagination import table_configure

LIST_TEMPLATE = "crm/list.html"
PER_PAGE = 25


class FilteredListView(TenantPermissionRequiredMixin, View):
    """Subclasses set ``permission_required``, ``title``, ``filterset_class``, ``table_class`` and
    implement ``queryset(request)`` (a selector call that applies tenancy and visibility)."""

    http_method_names = ["get"]
    title = ""
    filterset_class: type | None = None
    table_class: type | None = None
    template_name = LIST_TEMPLATE
    # Key of the exporter registered with crm.exports.registry, or "" when the list has none.
    export_key = ""
    # The left-navigation entry to highlight (see templates/base.html).
    nav = ""
    per_page = PER_PAGE

    def queryset(self, request) -> QuerySet:
        raise NotImplementedError

    def filterset(self, request):
        return self.filterset_class(request.GET, queryset=self.queryset(request), request=request)

    def extra_context(self, request) -> dict:
        return {}

    def get(self, request, *args, **kwargs):
        self.args, self.kwargs = args, kwargs
        filterset = self.filterset(request)
        table = self.table_class(filterset.qs)
        table_configure(request, table, per_page=self.per_page)
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "title": self.title,
            "nav": self.nav,
            "filter": filterset,
            "table": table,
            "export_key": self.export_key,
            "export_query": query.urlencode(),
            "can_export": bool(self.export_key) and request.user.has_perm(EXPORT_PERMISSION),
            "export_pdf": bool(self.export_key) and PDF in exporter_registry.get(self.export_key).formats,
            **self.extra_context(request),
        }
        template = f"{self.template_name}#results" if request.htmx else self.template_name
        return render(request, template, context)


class RegistryListView(FilteredListView):
    """A list of an app's LISTS registry (parc.filters, ventes.filters): ``list_key`` names the
    FilterSet and selector (also the export's key when ``export_key`` is set), ``list_filterset``
    is the app's ``list_filterset(key, data, *, tenant, user, default_business_lines)``; the
    export stores the effective query string (defaults included)."""

    list_key = ""
    list_filterset = None
    create_url = ""
    create_label = ""
    create_permission = ""

    def filterset(self, request):
        self._filterset = type(self).list_filterset(
            self.list_key,
            request.GET,
            tenant=request.tenant,
            user=request.user,
            default_business_lines=business_lines_current(
                membership=request.membership, session=request.session
            ),
        )
        return self._filterset

    def can_create(self, request) -> bool:
        return bool(self.create_url) and request.user.has_perm(self.create_permission)

    def extra_context(self, request) -> dict:
        return {
            "export_query": self._filterset.querystring(),
            "create_url": self.create_url if self.can_create(request) else "",
            "create_label": self.create_label,
        }
