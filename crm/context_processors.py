from crm.services.tenancy import business_lines_current, user_memberships


def tenancy(request) -> dict:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    from crm.models import BusinessLine

    return {
        "current_membership": membership,
        "current_tenant": membership.tenant,
        "user_memberships": user_memberships(request.user),
        "tenant_business_lines": list(BusinessLine.objects.filter(tenant=membership.tenant)),
        "selected_business_line_ids": business_lines_current(membership=membership, session=request.session),
    }
