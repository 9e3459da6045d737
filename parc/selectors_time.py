"""Time spent for a customer per collaborator (the customer record's Suivi section): the sum of
the interventions' durations grouped by technician, in one query."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Sum

from crm.models import Company
from tiers.models import ThirdParty
from tiers.selectors import visible_q

from .models import Intervention
from .selectors_requests import minutes_display


@dataclass(frozen=True)
class TimeSpent:
    technician: str
    interventions: int
    minutes: int

    @property
    def display(self) -> str:
        """HH.MM, as the interventions are typed."""
        return minutes_display(self.minutes)


def time_spent_by_technician(*, tenant: Company, user, customer: ThirdParty) -> list[TimeSpent]:
    """Per technician of the customer's interventions: their number and total minutes, most time
    first."""
    rows = (
        Intervention.objects.filter(tenant=tenant, customer=customer)
        .filter(visible_q(tenant=tenant, user=user, field="customer"))
        .order_by()
        .values("technician_id", "technician__first_name", "technician__last_name", "technician__username")
        .annotate(minutes=Sum("duration_minutes"), interventions=Count("pk"))
        .order_by("-minutes", "technician__last_name", "technician_id")
    )
    return [
        TimeSpent(
            technician=f"{row['technician__first_name']} {row['technician__last_name']}".strip()
            or row["technician__username"],
            interventions=row["interventions"],
            minutes=row["minutes"] or 0,
        )
        for row in rows
    ]
