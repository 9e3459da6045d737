"""Joining a loyalty programme: one account per customer, numbered from the tenant's counter."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_record
from crm.services.counters import counter_format
from fidelite.models import LoyaltyAccount, LoyaltyProgram
from tiers.models import ThirdParty

COUNTER_KEY = "loyalty_account"
NUMBER_PREFIX = "FID"


def account_number_next(*, tenant: Company) -> str:
    return counter_format(tenant=tenant, key=COUNTER_KEY, width=6, prefix=NUMBER_PREFIX)


@transaction.atomic
def loyalty_join(
    *,
    tenant: Company,
    actor,
    customer: ThirdParty,
    program: LoyaltyProgram,
    joined_on: datetime.date | None = None,
) -> LoyaltyAccount:
    """Open the customer's loyalty account in ``program`` (a customer, not a prospect; once)."""
    if customer.tenant_id != tenant.pk or program.tenant_id != tenant.pk:
        raise ValueError("The customer or the programme does not belong to the tenant.")
    if not customer.is_customer:
        raise ValidationError({"program": [_("Seul un client peut adhérer à un programme de fidélité.")]})
    if not program.is_active:
        raise ValidationError({"program": [_("Ce programme de fidélité n'est plus actif.")]})
    existing = LoyaltyAccount.objects.filter(tenant=tenant, customer=customer).first()
    if existing is not None:
        raise ValidationError(
            {
                "program": [
                    _("Ce client a déjà le compte de fidélité %(number)s.") % {"number": existing.number}
                ]
            }
        )
    account = LoyaltyAccount(
        tenant=tenant,
        customer=customer,
        program=program,
        number=account_number_next(tenant=tenant),
        joined_on=joined_on or timezone.localdate(),
    )
    account.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="loyalty.join",
        instance=account,
        changes={"program": [None, program.name], "customer": [None, customer.code]},
    )
    return account
