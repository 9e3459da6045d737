"""Writes of a third party's bank accounts (RIB), with IBAN/BIC validation by schwifty.

Rules (seed "RIB"): the address code is one of this third party's codes (otherwise exactly "Code
adresse inexistant"); the account is given as an IBAN, or as a French RIB (code banque 5 digits,
code guichet 5 digits, n° de compte 11 digits or letters, clé RIB 2 digits) whose key is checked
here and from which schwifty computes the IBAN; the IBAN's check digits and, where schwifty knows
them, its national check digits (the RIB key of a French IBAN) are verified; a BIC, when given,
is checked, and a blank BIC is taken from schwifty's bank registry when the IBAN's bank is known;
bank name and domiciliation are mandatory; an IBAN appears once per third party; exactly one
default account (a partial unique index guarantees at most one; the first account becomes the
default, a new default demotes the previous one in the same transaction, un-marking the default
is refused, and the default cannot be deleted while other accounts exist).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import Company, Country, Currency
from crm.services.audit import audit_changes, audit_record, audit_snapshot
from tiers.models import BankAccount, ThirdParty
from tiers.selectors_sites_banks import address_for_code, iban_masked

_AUDITED = (
    "address_id",
    "iban",
    "bic",
    "bank_name",
    "domiciliation",
    "holder",
    "currency_id",
    "intermediary_bic",
    "intermediary_bank_name",
    "intermediary_country_id",
    "is_default",
)
FIELDS = (
    "address_code",
    "iban",
    "rib",
    "bic",
    "bank_name",
    "domiciliation",
    "holder",
    "currency",
    "intermediary_bic",
    "intermediary_bank_name",
    "intermediary_country",
    "is_default",
)


# --- Messages -------------------------------------------------------------------------------------


def message_iban_or_rib() -> str:
    return _("Saisissez l'IBAN, ou le RIB (code banque, code guichet, n° de compte et clé).")


def message_iban_rib_mismatch() -> str:
    return _("L'IBAN saisi ne correspond pas au RIB saisi : corrigez ou effacez l'un des deux.")


def message_rib_key() -> str:
    return _("Clé RIB incorrecte : elle ne correspond pas aux codes banque, guichet et au n° de compte.")


def message_iban_taken() -> str:
    return _("Cet IBAN est déjà enregistré pour ce tiers.")


def message_keep_default() -> str:
    return _(
        "Un tiers doit garder un compte bancaire par défaut : désignez un autre compte comme compte "
        "par défaut, il remplacera celui-ci."
    )


def message_delete_default() -> str:
    return _(
        "Le compte par défaut ne peut pas être supprimé tant que le tiers a d'autres comptes : "
        "désignez d'abord un autre compte par défaut."
    )


def _iban_messages() -> dict[str, str]:
    return {
        "InvalidChecksumDigits": _("IBAN invalide : clé de contrôle incorrecte."),
        "InvalidBBANChecksum": _(
            "IBAN invalide : clé nationale incorrecte (la clé RIB pour un compte français)."
        ),
        "InvalidLength": _("IBAN invalide : longueur incorrecte pour ce pays."),
        "InvalidCountryCode": _("IBAN invalide : code pays inconnu ou pays sans IBAN."),
        "InvalidStructure": _("IBAN invalide : format incorrect pour ce pays."),
        "InvalidBankCode": _("IBAN invalide : code banque incorrect."),
        "InvalidBranchCode": _("IBAN invalide : code guichet incorrect."),
        "InvalidAccountCode": _("IBAN invalide : numéro de compte incorrect."),
    }


def _bic_messages() -> dict[str, str]:
    return {
        "InvalidLength": _("BIC invalide : 8 ou 11 caractères attendus."),
        "InvalidStructure": _(
            "BIC invalide : format incorrect (4 lettres pour la banque, 2 pour le pays, 2 caractères "
            "pour la localisation, 3 facultatifs pour l'agence)."
        ),
        "InvalidCountryCode": _("BIC invalide : code pays inconnu."),
    }


# --- IBAN, BIC and RIB ----------------------------------------------------------------------------


def _compact(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "").upper()


def iban_clean(value: str, *, field: str = "iban") -> tuple[str, Any]:
    """'fr76 3000 6000 0112 3456 7890 189' → ('FR7630006000011234567890189', schwifty IBAN)."""
    from schwifty import IBAN
    from schwifty.exceptions import NationalChecksumNotVerified, SchwiftyException

    try:
        with warnings.catch_warnings():
            # Countries whose national check digits schwifty cannot verify: accepted as they are.
            warnings.simplefilter("ignore", NationalChecksumNotVerified)
            iban = IBAN(_compact(value), validate_bban=True)
    except SchwiftyException as exc:
        message = _iban_messages().get(type(exc).__name__, _("IBAN invalide."))
        raise ValidationError({field: message}, code="iban_invalid") from exc
    return iban.compact, iban


def bic_clean(value: str, *, field: str = "bic") -> str:
    """'agri fr pp' → 'AGRIFRPP'; '' stays ''."""
    from schwifty import BIC
    from schwifty.exceptions import SchwiftyException

    compact = _compact(value)
    if not compact:
        return ""
    try:
        return BIC(compact).compact
    except SchwiftyException as exc:
        message = _bic_messages().get(type(exc).__name__, _("BIC invalide."))
        raise ValidationError({field: message}, code="bic_invalid") from exc


_RIB_LETTERS = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "12345678912345678923456789",
)


def rib_key(bank_code: str, branch_code: str, account_number: str) -> str:
    """The French RIB key: 97 - ((89 * bank + 15 * branch + 3 * account) mod 97), letters of the
    account converted by the banking table (A, J → 1; B, K, S → 2; … I, R, Z → 9)."""
    account = int(account_number.upper().translate(_RIB_LETTERS))
    return f"{97 - (89 * int(bank_code) + 15 * int(branch_code) + 3 * account) % 97:02d}"


@dataclass(frozen=True)
class Rib:
    """A French RIB as typed: code banque, code guichet, n° de compte, clé."""

    bank_code: str = ""
    branch_code: str = ""
    account_number: str = ""
    key: str = ""

    def is_blank(self) -> bool:
        return not any(
            part.strip() for part in (self.bank_code, self.branch_code, self.account_number, self.key)
        )


_RIB_FORMATS = (
    ("bank_code", re.compile(r"^\d{5}$")),
    ("branch_code", re.compile(r"^\d{5}$")),
    ("account_number", re.compile(r"^[0-9A-Z]{11}$")),
    ("key", re.compile(r"^\d{2}$")),
)


def _rib_format_messages() -> dict[str, str]:
    return {
        "bank_code": _("Code banque invalide : 5 chiffres attendus."),
        "branch_code": _("Code guichet invalide : 5 chiffres attendus."),
        "account_number": _("N° de compte invalide : 11 chiffres ou lettres attendus."),
        "key": _("Clé RIB invalide : 2 chiffres attendus."),
    }


RIB_FIELDS = {
    "bank_code": "rib_bank_code",
    "branch_code": "rib_branch_code",
    "account_number": "rib_account_number",
    "key": "rib_key",
}


def rib_to_iban(rib: Rib) -> str:
    """The IBAN of a French RIB, after checking each part and the key (errors keyed rib_*)."""
    from schwifty import IBAN

    parts = {name: _compact(getattr(rib, name)) for name, _pattern in _RIB_FORMATS}
    errors = {
        RIB_FIELDS[name]: _rib_format_messages()[name]
        for name, pattern in _RIB_FORMATS
        if not pattern.match(parts[name])
    }
    if errors:
        raise ValidationError(errors, code="rib_format")
    if rib_key(parts["bank_code"], parts["branch_code"], parts["account_number"]) != parts["key"]:
        raise ValidationError({"rib_key": message_rib_key()}, code="rib_key")
    iban = IBAN.generate(
        "FR",
        bank_code=parts["bank_code"],
        branch_code=parts["branch_code"],
        account_code=parts["account_number"],
    )
    if not iban.compact.endswith(parts["key"]):  # schwifty computes the same key: a guard, never expected
        raise ValidationError({"rib_key": message_rib_key()}, code="rib_key")
    return iban.compact


# --- Services -------------------------------------------------------------------------------------


def _fill(account: BankAccount, *, tenant: Company, third_party: ThirdParty, data: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}

    def collect(function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
            return None

    if "address_code" in data:
        address = collect(address_for_code, tenant=tenant, third_party=third_party, code=data["address_code"])
        if address is not None:
            account.address = address
    if "iban" in data or "rib" in data:
        typed_iban = _compact(data.get("iban", ""))
        rib: Rib = data.get("rib") or Rib()
        from_rib = collect(rib_to_iban, rib) if not rib.is_blank() else None
        schwifty_iban = None
        if typed_iban:
            cleaned = collect(iban_clean, typed_iban)
            if cleaned is not None:
                typed_iban, schwifty_iban = cleaned
        if not typed_iban and rib.is_blank():
            errors.setdefault("iban", []).append(message_iban_or_rib())
        elif from_rib and typed_iban and schwifty_iban is not None and from_rib != typed_iban:
            errors.setdefault("iban", []).append(message_iban_rib_mismatch())
        elif from_rib and not typed_iban:
            typed_iban, schwifty_iban = iban_clean(from_rib)
        if schwifty_iban is not None and not errors:
            account.iban = typed_iban
            if "bic" in data and not _compact(data.get("bic", "")) and schwifty_iban.bic is not None:
                data = {**data, "bic": str(schwifty_iban.bic)}
    if "bic" in data:
        bic = collect(bic_clean, data["bic"] or "")
        if bic is not None:
            account.bic = bic
    if "intermediary_bic" in data:
        bic = collect(bic_clean, data["intermediary_bic"] or "", field="intermediary_bic")
        if bic is not None:
            account.intermediary_bic = bic
    for name, message in (
        ("bank_name", _("Le nom de la banque est obligatoire.")),
        ("domiciliation", _("La domiciliation est obligatoire.")),
    ):
        if name in data:
            setattr(account, name, " ".join((data[name] or "").split()))
        if not getattr(account, name):
            errors.setdefault(name, []).append(message)
    for name in ("holder", "intermediary_bank_name"):
        if name in data:
            setattr(account, name, " ".join((data[name] or "").split()))
    if "currency" in data:
        currency = data["currency"]
        if currency is not None and not isinstance(currency, Currency):
            errors.setdefault("currency", []).append(_("Devise inconnue."))
        else:
            account.currency = currency
    if "intermediary_country" in data:
        country = data["intermediary_country"]
        if country is not None and not isinstance(country, Country):
            errors.setdefault("intermediary_country", []).append(_("Pays inconnu."))
        else:
            account.intermediary_country = country
    if errors:
        raise ValidationError(errors)
    if account.address_id is None:
        raise ValidationError({"address_code": _("Le code adresse est obligatoire.")})
    taken = BankAccount.objects.filter(tenant=tenant, third_party=third_party, iban=account.iban)
    if account.pk is not None:
        taken = taken.exclude(pk=account.pk)
    if taken.exists():
        raise ValidationError({"iban": message_iban_taken()}, code="iban_taken")


def _default_account(
    *, tenant: Company, third_party: ThirdParty, exclude: int | None = None
) -> BankAccount | None:
    queryset = BankAccount.objects.select_for_update().filter(
        tenant=tenant, third_party=third_party, is_default=True
    )
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude)
    return queryset.first()


def _demote(*, tenant: Company, actor, account: BankAccount) -> None:
    account.is_default = False
    account.save(update_fields=["is_default"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="bankaccount.update",
        instance=account,
        changes={"is_default": [True, False]},
    )


def _snapshot(account: BankAccount) -> dict[str, Any]:
    """The audited values, with the IBAN masked (the audit log is readable by more people)."""
    snapshot = audit_snapshot(account, _AUDITED)
    snapshot["iban"] = iban_masked(snapshot["iban"])
    return snapshot


@transaction.atomic
def bank_account_create(
    *,
    tenant: Company,
    actor,
    third_party: ThirdParty,
    address_code: str,
    bank_name: str,
    domiciliation: str,
    iban: str = "",
    rib: Rib | None = None,
    bic: str = "",
    holder: str = "",
    currency: Currency | None = None,
    intermediary_bic: str = "",
    intermediary_bank_name: str = "",
    intermediary_country: Country | None = None,
    is_default: bool | None = None,
) -> BankAccount:
    """A new bank account; the third party's first account is its default whatever ``is_default`` says."""
    account = BankAccount(tenant=tenant, third_party=third_party)
    _fill(
        account,
        tenant=tenant,
        third_party=third_party,
        data={
            "address_code": address_code,
            "iban": iban,
            "rib": rib,
            "bic": bic,
            "bank_name": bank_name,
            "domiciliation": domiciliation,
            "holder": holder,
            "currency": currency,
            "intermediary_bic": intermediary_bic,
            "intermediary_bank_name": intermediary_bank_name,
            "intermediary_country": intermediary_country,
        },
    )
    current_default = _default_account(tenant=tenant, third_party=third_party)
    account.is_default = current_default is None or bool(is_default)
    account.full_clean(validate_constraints=False)
    if account.is_default and current_default is not None:
        _demote(tenant=tenant, actor=actor, account=current_default)
    account.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="bankaccount.create",
        instance=account,
        changes={name: [None, value] for name, value in _snapshot(account).items()},
    )
    return account


@transaction.atomic
def bank_account_update(*, tenant: Company, actor, account: BankAccount, **data: Any) -> BankAccount:
    """Change a bank account; keyword arguments as for bank_account_create (only those given change)."""
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown bank-account fields: {sorted(unknown)}")
    account = (
        BankAccount.objects.select_for_update()
        .select_related("third_party")
        .get(tenant=tenant, pk=account.pk)
    )
    third_party = account.third_party
    before = _snapshot(account)
    is_default = data.pop("is_default", None)
    _fill(account, tenant=tenant, third_party=third_party, data=data)
    if is_default is not None and bool(is_default) != account.is_default:
        if not is_default:
            raise ValidationError({"is_default": message_keep_default()})
        current_default = _default_account(tenant=tenant, third_party=third_party, exclude=account.pk)
        if current_default is not None:
            _demote(tenant=tenant, actor=actor, account=current_default)
        account.is_default = True
    account.full_clean(validate_constraints=False)
    account.save()
    changes = audit_changes(before, _snapshot(account))
    if changes:
        audit_record(
            tenant=tenant, actor=actor, action="bankaccount.update", instance=account, changes=changes
        )
    return account


@transaction.atomic
def bank_account_delete(*, tenant: Company, actor, account: BankAccount) -> None:
    account = BankAccount.objects.select_for_update().get(tenant=tenant, pk=account.pk)
    others = BankAccount.objects.filter(tenant=tenant, third_party_id=account.third_party_id).exclude(
        pk=account.pk
    )
    if account.is_default and others.exists():
        raise ValidationError({"is_default": message_delete_default()}, code="bankaccount_default_delete")
    audit_record(
        tenant=tenant,
        actor=actor,
        action="bankaccount.delete",
        instance=account,
        changes={name: [value, None] for name, value in _snapshot(account).items()},
    )
    account.delete()
