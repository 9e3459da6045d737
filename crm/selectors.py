"""Reads of the core app shared by views, exports and tasks (querysets with their joins applied)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from crm.models import BusinessLine, Company, ExportJob, Membership


def memberships_for_export(*, tenant: Company) -> QuerySet[Membership]:
    """The tenant's memberships with user, role and business lines, sorted by name."""
    return (
        Membership.objects.filter(tenant=tenant)
        .select_related("user", "role")
        .prefetch_related(
            Prefetch(
                "business_lines",
                queryset=BusinessLine.objects.filter(tenant=tenant).order_by("name"),
            )
        )
        .order_by("user__last_name", "user__first_name", "user__username", "pk")
    )


def export_jobs_for_owner(*, tenant: Company, user) -> QuerySet[ExportJob]:
    """The user's own export jobs in the tenant, newest first."""
    return ExportJob.objects.filter(tenant=tenant, owner=user).order_by("-created_at", "-pk")
