"""Permission matrix entries of the service request and intervention pages
(parc/views/requests.py, parc/views/interventions.py); see tests/matrix.py. Form and confirmation
GETs are called; their POSTs are tested in tests/parc/test_requests_views.py and
tests/parc/test_interventions.py, except the state POST (no GET)."""

from __future__ import annotations

from tests.matrix import Entry, MatrixContext
from tests.parc.factories_requests import InterventionFactory, ServiceRequestFactory
from tests.tiers.factories import ThirdPartyFactory


def _request(ctx: MatrixContext) -> dict:
    return {"pk": ServiceRequestFactory(tenant=ctx.tenant).pk}


def _customer(ctx: MatrixContext) -> dict:
    return {"pk": ThirdPartyFactory(tenant=ctx.tenant).pk}


def _intervention(ctx: MatrixContext) -> dict:
    intervention = InterventionFactory(request=ServiceRequestFactory(tenant=ctx.tenant))
    return {"pk": intervention.request_id, "intervention_pk": intervention.pk}


ENTRIES = {
    "parc:request_list": Entry(),
    "parc:request_detail": Entry(kwargs=_request, tenant_object=True),
    "parc:request_update": Entry(kwargs=_request, tenant_object=True),
    "parc:request_coverages": Entry(kwargs=_request, tenant_object=True),
    "parc:request_state": Entry(
        kwargs=_request, method="post", data=lambda ctx: {"etat": "waiting"}, success=302, tenant_object=True
    ),
    "parc:request_close": Entry(kwargs=_request, tenant_object=True),
    "parc:request_cancel": Entry(kwargs=_request, tenant_object=True),
    "parc:request_create": Entry(kwargs=_customer, tenant_object=True),
    "parc:request_coverages_new": Entry(kwargs=_customer, tenant_object=True),
    "parc:intervention_create": Entry(kwargs=_request, tenant_object=True),
    "parc:intervention_update": Entry(kwargs=_intervention, tenant_object=True),
    "parc:intervention_delete": Entry(kwargs=_intervention, tenant_object=True),
}
