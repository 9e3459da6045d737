"""Building blocks of every app's admin: tenant-scoped model admins, inlines and read-only admins.

Two audiences use the admin (DESIGN.md §4):

- a tenant's **Administrateur** (a staff user, not a superuser): the request runs inside
  ``scope(tenant=request.tenant)`` (crm.middleware.TenantScopeMiddleware) and every class here
  also filters by ``request.tenant`` explicitly: querysets, foreign-key choices, the tenant of a
  new row. Their permissions come from the active membership's role (crm.rights).
- a platform **superuser**: administers the global data (companies, users, roles, reference
  data) and, like everyone, the tenant rows of the company it works in: row-level security
  (crm.rls) binds the superuser's requests to that tenant too, so the classes here treat it as
  that tenant's administrator. A superuser without a seat sees no tenant row and may add none.

Usage in an app's ``admin.py``::

    @admin.register(Deal)
    class DealAdmin(TenantAdmin):
        list_display = ("code", "title", "status")
        inlines = [DealLineInline]  # DealLineInline(TenantTabularInline)
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from crm.models import Company, Membership, TenantModel

TENANT_FIELD = "tenant"


def is_platform_admin(request) -> bool:
    """A superuser: administers the global data (companies, users, roles, reference data)."""
    return bool(request.user.is_active and request.user.is_superuser)


def tenant_users(tenant: Company) -> models.QuerySet:
    """Users holding a membership (active or not) in ``tenant``; never superusers."""
    return get_user_model().objects.filter(
        pk__in=Membership.unscoped.filter(tenant=tenant).values("user"), is_superuser=False
    )


def tenant_choices(model: type[models.Model], request) -> models.QuerySet | None:
    """What a tenant's admin may pick for a relation to ``model``; None for global data."""
    tenant_bound = issubclass(model, TenantModel | Company | get_user_model())
    if tenant_bound and request.tenant is None:
        return model._default_manager.none()
    if issubclass(model, TenantModel):
        return model._default_manager.filter(tenant=request.tenant)
    if issubclass(model, Company):
        return Company.objects.filter(pk=request.tenant.pk)
    if issubclass(model, get_user_model()):
        # Users are global data: a superuser may give a seat to any of them.
        return model._default_manager.all() if is_platform_admin(request) else tenant_users(request.tenant)
    return None


def foreign_tenant_fields(cleaned_data: dict, tenant_id: int) -> list[str]:
    """Names of the form fields whose chosen rows belong to another tenant than ``tenant_id``."""
    wrong = []
    for name, value in cleaned_data.items():
        values: Iterable = value if isinstance(value, models.QuerySet | list | tuple) else [value]
        if any(isinstance(item, TenantModel) and item.tenant_id != tenant_id for item in values):
            wrong.append(name)
    return wrong


class TenantModelForm(forms.ModelForm):
    """Admin form of a tenant row.

    ``admin_tenant`` (the request's tenant, set per request by the admin) is imposed on new rows;
    a child row of an inline takes its parent's tenant.
    """

    admin_tenant: Company | None = None
    parent_instance: models.Model | None = None  # set by TenantInlineFormSet

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.admin_tenant is not None and self.instance.tenant_id is None:
            self.instance.tenant = self.admin_tenant
        if TENANT_FIELD in self.fields and self.instance.tenant_id is not None:
            self.fields[TENANT_FIELD].disabled = True
            self.initial[TENANT_FIELD] = self.instance.tenant_id

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.tenant_id is None:
            chosen = cleaned_data.get(TENANT_FIELD)
            parent_tenant_id = getattr(self.parent_instance, "tenant_id", None)
            if chosen is not None:
                self.instance.tenant = chosen
            elif parent_tenant_id is not None:
                self.instance.tenant_id = parent_tenant_id
        if self.instance.tenant_id is not None:
            for name in foreign_tenant_fields(cleaned_data, self.instance.tenant_id):
                self.add_error(name, _("Cet élément appartient à une autre société."))
        return cleaned_data

    def _get_validation_exclusions(self):
        # The tenant is not an editable field, so Django would leave it out of model validation
        # and skip every unique constraint (they all start with the tenant): a duplicate code
        # would then fail in the database instead of showing a French form error.
        exclude = super()._get_validation_exclusions()
        if self.instance.tenant_id is not None:
            exclude.discard(TENANT_FIELD)
        return exclude


class TenantInlineFormSet(BaseInlineFormSet):
    """Gives each form its parent row, whose tenant a child row shares."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.parent_instance = self.instance
        return form


def _tenant_form(form_class: type[forms.ModelForm], request) -> type[forms.ModelForm]:
    """The admin's form class, bound to the request's tenant."""
    return type(form_class.__name__, (form_class,), {"admin_tenant": request.tenant})


class _TenantScoped:
    """Querysets, relation choices and rights of a tenant model, for a ModelAdmin or an inline."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.tenant is None:
            return queryset.none()
        # Explicit on top of the request's scope and the database policy: the tenant's rows only.
        return queryset.filter(tenant=request.tenant)

    def get_exclude(self, request, obj=None):
        # Not editable on the model: the form imposes the request's tenant.
        return [*(super().get_exclude(request, obj) or ()), TENANT_FIELD]

    def get_fields(self, request, obj=None):
        return [name for name in super().get_fields(request, obj) if name != TENANT_FIELD]

    def has_add_permission(self, request, *args) -> bool:
        return request.tenant is not None and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.tenant is not None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.tenant is not None and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        choices = tenant_choices(db_field.remote_field.model, request)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        choices = tenant_choices(db_field.remote_field.model, request)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class TenantAdmin(_TenantScoped, admin.ModelAdmin):
    """ModelAdmin of a TenantModel (see the module docstring)."""

    form = TenantModelForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return _tenant_form(form, request)

    def save_model(self, request, obj, form, change):
        if request.tenant is None or obj.tenant_id != request.tenant.pk:
            raise PermissionDenied
        super().save_model(request, obj, form, change)


class _TenantInline(_TenantScoped):
    form = TenantModelForm
    formset = TenantInlineFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _tenant_form(formset.form, request)
        return formset


class TenantTabularInline(_TenantInline, admin.TabularInline):
    pass


class TenantStackedInline(_TenantInline, admin.StackedInline):
    pass


class ReadOnlyAdminMixin:
    """Rows written only by services (audit log, export jobs): the admin may look, never write."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class GlobalReferenceAdmin(admin.ModelAdmin):
    """Reference data shared by every tenant (countries, currencies).

    A tenant's administrator may look at it; only a platform superuser may change it, because a
    change here would change every other tenant's data too.
    """

    def has_add_permission(self, request) -> bool:
        return is_platform_admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_platform_admin(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_platform_admin(request)
