"""A probe view for the row-level security tests: it turns the ORM's tenant scope off on
purpose and asks the database directly, inside a real request of the logged-in user's tenant."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.urls import include, path
from django_scopes import scopes_disabled

from crm.models import BusinessLine


def rls_probe(request):
    other_tenant_id = int(request.GET["other"])
    with scopes_disabled(), connection.cursor() as cursor:
        cursor.execute("SELECT tenant_id, name FROM crm_businessline ORDER BY name")
        raw_rows = [[tenant_id, name] for tenant_id, name in cursor.fetchall()]
        orm_names = sorted(BusinessLine.objects.values_list("name", flat=True))
        cursor.execute("SELECT current_user, current_setting('crm.tenant_id', true)")
        role, bound_tenant = cursor.fetchone()
        try:
            with transaction.atomic():
                BusinessLine.objects.create(tenant_id=other_tenant_id, code="INTRUS", name="Intrus")
            refusal = ""
        except DatabaseError as error:
            refusal = str(error)
        try:
            with transaction.atomic():
                cursor.execute(
                    "UPDATE crm_businessline SET name = 'Modifié' WHERE tenant_id = %s", [other_tenant_id]
                )
                updated = cursor.rowcount
        except DatabaseError:
            updated = -1
    return JsonResponse(
        {
            "raw_rows": raw_rows,
            "orm_names": orm_names,
            "role": role,
            "bound_tenant": bound_tenant,
            "insert_refusal": refusal,
            "other_rows_updated": updated,
        }
    )


@login_not_required
def rls_probe_anonymous(request):
    with scopes_disabled(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM crm_businessline")
        (count,) = cursor.fetchone()
        orm_count = BusinessLine.objects.count()
    return JsonResponse({"raw_count": count, "orm_count": orm_count})


urlpatterns = [
    path("sonde-rls/", rls_probe, name="rls_probe"),
    path("sonde-rls/anonyme/", rls_probe_anonymous, name="rls_probe_anonymous"),
    path("", include("crm.urls")),
]
