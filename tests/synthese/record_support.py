"""Builders shared by the customer record's section tests (synthese/record_*.py): the section's
URL, a member whose role holds no permission, the guards every section checks (another tenant's
customer and a customer reserved to other users are 404, a user without the permission gets 403),
and invoices for a world of tests/synthese/factories.py."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django_scopes import scope

from tests.factories import MembershipFactory, UserFactory
from tests.synthese.factories import RECENT, World
from tests.tiers.factories_sites_banks import CustomerFactory, reserved_customer
from tests.ventes.factories_documents import InvoiceFactory, InvoiceLineFactory
from ventes import models as ventes


def record_url(customer, section: str, query: str = "") -> str:
    url = reverse("synthese:record", kwargs={"pk": customer.pk, "section": section})
    return f"{url}?{query}" if query else url


def field_errors(html: str, auto_id: str) -> str:
    """The error block that templates/includes/field.html renders under the field ``auto_id``."""
    marker = f'<div class="errors" id="{auto_id}_error">'
    assert marker in html, f"no error shown on {auto_id}"
    return html.split(marker)[1].split("</div>")[0]


def member_without_rights(tenant):
    """A member of ``tenant`` whose role grants nothing."""
    return member_with_perms(tenant)


def member_with_perms(tenant, *permissions: str):
    """A member of ``tenant`` whose role grants only ``permissions`` ("app.codename")."""
    user = UserFactory()
    role = Group.objects.create(name=f"Rôle de test {user.username}")
    for permission in permissions:
        app_label, codename = permission.split(".")
        role.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    MembershipFactory(tenant=tenant, user=user, role=role)
    return user


def assert_section_guarded(*, login, tenant, other_tenant, user, section: str) -> None:
    """Another tenant's customer and a customer reserved to others: 404; no permission: 403."""
    foreign = CustomerFactory(tenant=other_tenant)
    assert login(user).get(record_url(foreign, section)).status_code == 404
    hidden = reserved_customer(tenant)
    assert login(user).get(record_url(hidden, section)).status_code == 404
    visible = CustomerFactory(tenant=tenant)
    assert login(member_without_rights(tenant)).get(record_url(visible, section)).status_code == 403


def invoices_of(world: World, count: int, *, state=ventes.InvoiceState.VALIDATED) -> list:
    """``count`` invoices of the world's customer, each with two lines of the world's article."""
    s1 = world.sites[0]
    article = world.asset.article
    invoices = []
    for index in range(count):
        invoice = InvoiceFactory(
            tenant=world.tenant,
            customer=world.customer,
            site=s1,
            business_line=world.lines[0],
            state=state,
            invoice_date=RECENT,
            number=f"FAC-{world.customer.pk}-{index:04d}" if state == ventes.InvoiceState.VALIDATED else "",
        )
        for position in (1, 2):
            InvoiceLineFactory(
                invoice=invoice, position=position, article=article, label=f"Toner {index}-{position}"
            )
        with scope(tenant=world.tenant):  # the totals of the two lines, as the service stores them
            ventes.Invoice.objects.filter(pk=invoice.pk).update(
                total_excl_tax=Decimal("4000.00"),
                total_tax=Decimal("800.00"),
                total_incl_tax=Decimal("4800.00"),
            )
        invoices.append(invoice)
    return invoices
