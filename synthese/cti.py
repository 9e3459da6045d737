"""Incoming calls (CTI screen pop): the tenant's webhook token, the call notification written for
the called user, and the poll that hands it to the user's open tab once.

    cti_token_rotate(tenant=, actor=)                 -> the new plain token (shown once)
    cti_tenant_for_token(token)                       -> the token's Company, or None
    incoming_call_notify(tenant=, called_user=, caller_number=) -> CallNotification
    call_notifications_take(tenant=, user=)           -> the user's pending calls, marked taken

The caller's number is resolved through the quick-search index (synthese.search), with the called
user's own rights: a customer reserved to others or closed without the right stays unknown.
Notifications are transient screen state (like preferences), not business data: not audited.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Company, Membership, SearchKind
from crm.normalize import phone_digits
from crm.services.audit import audit_record
from crm.services.tenant_binding import tenant_context, tenant_of_token
from synthese.models import CallNotification, CtiToken
from synthese.preferences import preference_get
from synthese.search import MIN_DIGITS, quick_search

AUTO_OPEN = "cti:ouverture_auto"  # preference key: open the caller's synthèse without asking
# A call not shown within this delay is over: the poll no longer shows it, the next call purges it.
PENDING_FOR = timedelta(seconds=60)
# The kinds that identify a caller, in order of preference (the reader orders results by kind).
CALLER_KINDS = (SearchKind.CUSTOMER, SearchKind.PROSPECT, SearchKind.SITE, SearchKind.CONTACT)
PROSPECT_PHONE = "telephone"  # GET parameter of tiers:create that pre-fills the phone


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def cti_token_rotate(*, tenant: Company, actor=None) -> str:
    """Creates or replaces the tenant's webhook token; returns the plain token (stored hashed)."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        row, created = CtiToken.objects.update_or_create(
            tenant=tenant, defaults={"token_hash": token_hash(token)}
        )
        audit_record(
            tenant=tenant,
            actor=actor,
            action="cti_token.created" if created else "cti_token.rotated",
            instance=row,
        )
    return token


def cti_tenant_for_token(token: str) -> Company | None:
    """The active company whose webhook token is ``token``, or None."""
    if not token:
        return None
    digest = token_hash(token)
    # The tenant is not known yet and no tenant is bound: the narrow database function of
    # crm.rls.pre_tenant_lookup gives the tenant of this hash, and nothing else. The row is then
    # read inside that tenant and its hash compared again in constant time.
    tenant = tenant_of_token("synthese_cti_token_tenant", digest)
    if tenant is None or not tenant.is_active:
        return None
    with tenant_context(tenant):
        row = CtiToken.objects.filter(token_hash=digest).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return tenant


def _called_membership(tenant: Company, called_user: str) -> Membership:
    value = (called_user or "").strip()
    found = list(
        Membership.objects.filter(tenant=tenant, is_active=True)
        .filter(Q(user__username__iexact=value) | Q(user__email__iexact=value), user__is_active=True)
        .select_related("user")[:2]
    )
    if not value or len(found) != 1:
        raise ValidationError({"called_user": _("Utilisateur appelé inconnu dans cette société.")})
    return found[0]


def _phone_only_query(digits: str) -> str:
    """The digits in pairs ("01 23 45 67 89"): the reader then probes the phone tokens only (no
    word of 4 digits or more), so a code or a SIRET that starts with the number is not taken
    for the caller."""
    return " ".join(digits[start : start + 2] for start in range(0, len(digits), 2))


def caller_resolve(*, tenant: Company, membership: Membership, caller_number: str):
    """The index's best match of the number seen by the called user (None: unknown)."""
    digits = phone_digits((caller_number or "")[:40])
    if len(digits) < MIN_DIGITS:
        return None
    results = quick_search(tenant=tenant, user=membership.user, query=_phone_only_query(digits))
    return next(
        (r for r in results if r.kind in CALLER_KINDS and r.customer_id is not None),
        None,
    )


def incoming_call_notify(*, tenant: Company, called_user: str, caller_number: str) -> CallNotification:
    """Writes the pending notification of a call to ``called_user`` (username or e-mail)."""
    number = (caller_number or "").strip()[:40]
    if not any(char.isdigit() for char in number):
        raise ValidationError({"caller_number": _("Numéro appelant manquant ou invalide.")})
    membership = _called_membership(tenant, called_user)
    result = caller_resolve(tenant=tenant, membership=membership, caller_number=number)
    label, url, customer_id = "", "", None
    if result is not None:
        customer_id = result.customer_id
        row = result.as_dict(crm_licence=membership.has_crm_licence)
        sublabel = row["sublabel"]
        if sublabel and not sublabel.startswith("—"):
            sublabel = f"— {sublabel}"
        label = " ".join(part for part in (row["label"], sublabel) if part)[:300]
        url = (row["synthese_url"] or row["record_url"] or "")[:300]
    with transaction.atomic():
        CallNotification.objects.filter(
            tenant=tenant, user=membership.user, created_at__lt=timezone.now() - PENDING_FOR
        ).delete()
        return CallNotification.objects.create(
            tenant=tenant,
            user=membership.user,
            caller_number=number,
            customer_id=customer_id,
            label=label,
            url=url,
        )


def call_notifications_take(*, tenant: Company, user) -> list[dict]:
    """The user's calls of the last minute not shown yet, marked shown: one indexed statement."""
    table = CallNotification._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {table} SET taken_at = %(now)s
                WHERE tenant_id = %(tenant)s AND user_id = %(user)s AND taken_at IS NULL
                  AND created_at >= %(since)s
                RETURNING id, caller_number, customer_id, label, url""",  # noqa: S608 (model's table)
            {
                "now": timezone.now(),
                "tenant": tenant.pk,
                "user": user.pk,
                "since": timezone.now() - PENDING_FOR,
            },
        )
        rows = cursor.fetchall()
    return [
        {"id": pk, "number": number, "known": customer_id is not None, "label": label, "url": url}
        for pk, number, customer_id, label, url in sorted(rows)
    ]


def prospect_create_url(number: str) -> str:
    """The new prospect form with the caller's number filled."""
    return f"{reverse('tiers:create')}?{urlencode({'type': 'prospect', PROSPECT_PHONE: number})}"


def auto_open(*, tenant: Company, user) -> bool:
    return bool(preference_get(user=user, tenant=tenant, key=AUTO_OPEN, default=False))
