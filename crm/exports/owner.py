"""An export job runs later, maybe after its owner lost a right: before reading any row, the job
re-activates the owner's membership in the job's tenant and checks the exporter's permission
again; list exporters then rebuild the screen's FilterSet from the stored query string."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import QueryDict

from crm.models import ExportJob, Membership
from crm.services.tenancy import membership_activate

from .registry import exporter_registry

# The table parameters of list screens that are not filters (django-tables2's sort and page).
SORT_PARAMETER = "tri"
PAGE_PARAMETER = "page"


def job_owner_activate(job: ExportJob):
    """The job's owner with its current membership of the job's tenant active; PermissionDenied
    when it is no longer a member or may no longer run this exporter."""
    owner = job.owner
    membership = Membership.objects.filter(tenant=job.tenant, user=owner, is_active=True).first()
    if membership is None:
        raise PermissionDenied(f"user {owner.pk} is no longer a member of tenant {job.tenant_id}")
    membership_activate(owner, membership)
    if not exporter_registry.get(job.exporter).is_allowed(owner):
        raise PermissionDenied(f"user {owner.pk} may no longer run export {job.exporter}")
    return owner


def owner_filterset(job: ExportJob, list_key: str, list_filterset):
    """(FilterSet of list ``list_key`` as the owner sees it now, the screen's sort parameter);
    ``list_filterset`` is the app's ``list_filterset(key, data, *, tenant, user)``."""
    owner = job_owner_activate(job)
    data = QueryDict((job.parameters or {}).get("query", ""))
    return list_filterset(list_key, data, tenant=job.tenant, user=owner), data.get(SORT_PARAMETER)


def table_rows(table_class, queryset, sort: str | None):
    """The rows in the order of the screen's table (its sort parameter, same column rules)."""
    return table_class(queryset, order_by=sort or None).data.data
