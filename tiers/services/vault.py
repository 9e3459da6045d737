"""The vault: customer credentials encrypted at rest (tiers/vault.py), revealed one at a time to
users holding crm.reveal_secret, each reveal written to the audit log. Audit entries record
which fields changed, never their values."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import Company
from crm.services.audit import audit_record
from crm.services.tenant_binding import tenant_context
from tiers import vault
from tiers.models import VaultSecret

from .targets import target_fields

REVEAL_PERMISSION = "crm.reveal_secret"
PLAIN_FIELDS = ("label", "login", "url")


class RevealedValue(str):
    """A revealed secret: renders as itself, but its repr (error reports' frame variables, log
    arguments, debuggers) is masked, so a failure after a reveal never copies it anywhere."""

    def __repr__(self) -> str:
        return "'********'"


def _check(*, label: str, secret: str) -> None:
    errors = {}
    if not label.strip():
        errors["label"] = _("Le libellé est obligatoire.")
    if not secret:
        errors["secret"] = _("Le secret est obligatoire.")
    if errors:
        raise ValidationError(errors)


def vault_secret_create(
    *,
    tenant: Company,
    actor,
    target,
    label: str,
    secret: str,
    login: str = "",
    url: str = "",
    notes: str = "",
) -> VaultSecret:
    _check(label=label, secret=secret)
    with transaction.atomic():
        item = VaultSecret(
            **target_fields(target),
            label=label.strip(),
            login=login,
            url=url,
            secret_encrypted=vault.encrypt(secret),
            notes_encrypted=vault.encrypt(notes) if notes else b"",
            updated_by=actor,
        )
        item.full_clean(exclude=["secret_encrypted", "notes_encrypted", "customer", "site", "target_type"])
        item.save()
        audit_record(tenant=tenant, actor=actor, action="vault.create", instance=item)
    return item


def vault_secret_update(
    *,
    tenant: Company,
    actor,
    item: VaultSecret,
    label: str,
    login: str = "",
    url: str = "",
    secret: str | None = None,
    notes: str | None = None,
) -> VaultSecret:
    """``secret`` / ``notes`` None keeps the stored value (the form never shows them)."""
    _check(label=label, secret=secret if secret is not None else "kept")
    with transaction.atomic():
        changed = [
            name
            for name, value in zip(PLAIN_FIELDS, (label, login, url), strict=True)
            if getattr(item, name) != value
        ]
        item.label, item.login, item.url = label.strip(), login, url
        if secret is not None:
            item.secret_encrypted = vault.encrypt(secret)
            changed.append("secret")
        if notes is not None:
            item.notes_encrypted = vault.encrypt(notes) if notes else b""
            changed.append("notes")
        item.updated_by = actor
        item.save()
        audit_record(
            tenant=tenant,
            actor=actor,
            action="vault.update",
            instance=item,
            changes={name: ["…", "…"] for name in changed},
        )
    return item


def vault_secret_delete(*, tenant: Company, actor, item: VaultSecret) -> None:
    with transaction.atomic():
        audit_record(tenant=tenant, actor=actor, action="vault.delete", instance=item)
        item.delete()


def vault_secret_reveal(*, tenant: Company, actor, item: VaultSecret) -> dict[str, str]:
    """The plain secret and notes, for a user holding crm.reveal_secret; audited."""
    if not actor.has_perm(REVEAL_PERMISSION):
        raise PermissionDenied(_("Vous n'avez pas le droit de révéler les secrets du coffre-fort."))
    with transaction.atomic():
        audit_record(tenant=tenant, actor=actor, action="vault.reveal", instance=item)
    return {
        "secret": RevealedValue(vault.decrypt(item.secret_encrypted)),
        "notes": RevealedValue(vault.decrypt(item.notes_encrypted)),
    }


def vault_rotate_all(*, batch_size: int = 500) -> int:
    """Re-encrypt every secret of every tenant with the newest key, in one transaction.

    Cross-tenant maintenance (the rotate_vault_key command): the companies one after the other,
    each inside its own tenant context (row-level security binds this work like any other), all
    in one transaction so that a failure leaves every secret as it was. Returns the number of
    secrets rewritten."""
    count = 0
    with transaction.atomic():
        for company in Company.objects.order_by("pk"):
            with tenant_context(company):
                queryset = (
                    VaultSecret.objects.select_for_update()
                    .filter(tenant=company)
                    .only("pk", "secret_encrypted", "notes_encrypted")
                    .order_by("pk")
                )
                for item in queryset.iterator(chunk_size=batch_size):
                    item.secret_encrypted = vault.rotate(item.secret_encrypted)
                    item.notes_encrypted = vault.rotate(item.notes_encrypted)
                    item.save(update_fields=["secret_encrypted", "notes_encrypted"])
                    count += 1
    return count
