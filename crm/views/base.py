"""Small building blocks shared by every app's views."""

from __future__ import annotations

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied


class TenantPermissionRequiredMixin(PermissionRequiredMixin):
    """Role permission check on a view that runs inside the tenant scope.

    ``permission_required`` is the view's declared permission; the permission matrix test reads
    it to know the expected status for every role. Anonymous users never reach a view (login is
    required by middleware), so a missing permission is always a 403.
    """

    raise_exception = True

    def handle_no_permission(self):
        raise PermissionDenied
