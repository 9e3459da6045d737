"""Building blocks of every app's admin: tenant-scoped model admins, inlines and read-only admins.

Two audiences use the admin (DESIGN.md §4):

- a tenant's **Administrateur** (a staff user, not a superuser): the request runs inside
  ``scope(tenant=request.tenant)`` (crm.middleware.TenantScopeMiddleware) and every class here
  also filters by ``request.tenant`` explicitly: querysets, foreign-key choices, the tenant of a
  new row. Their permissions come from the active membership's role (crm.rights).
- a platform **superuser**: the middleware disables the scopes in the admin (reviewed exception).
  The explicit replacement is here: a tenant column and list filter on every tenant table, the
  tenant chosen explicitly when a row is created (and shown, not editable, afterwards), and a
  check that every related row chosen in a form belongs to that same tenant.

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
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from crm.models import Company, Membership, TenantModel

TENANT_FIELD = "tenant"


def is_platform_admin(request) -> bool:
    """A superuser: administers every tenant, scopes are disabled for them in the admin."""
    return bool(request.user.is_active and request.user.is_superuser)


def tenant_users(tenant: Company) -> models.QuerySet:
    """Users holding a membership (active or not) in ``tenant``; never superusers."""
    return get_user_model().objects.filter(
        pk__in=Membership.unscoped.filter(tenant=tenant).values("user"), is_superuser=False
    )


def tenant_choices(model: type[models.Model], request) -> models.QuerySet | None:
    """What a tenant's admin may pick for a relation to ``model``; None for global data."""
    if issubclass(model, TenantModel):
        return model._default_manager.filter(tenant=request.tenant)
    if issubclass(model, Company):
        return Company.objects.filter(pk=request.tenant.pk)
    if issubclass(model, get_user_model()):
        return tenant_users(request.tenant)
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
    when it is None (superuser), the form has a ``tenant`` choice, required for a new row and
    disabled for an existing one, unless the row takes its tenant from its inline parent.
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


def _tenant_form(form_class: type[forms.ModelForm], request, *, choose: bool) -> type[forms.ModelForm]:
    """The admin's form class, bound to the request's tenant (or with a tenant choice)."""
    attrs: dict = {"admin_tenant": None if is_platform_admin(request) else request.tenant}
    if is_platform_admin(request) and choose:
        attrs[TENANT_FIELD] = forms.ModelChoiceField(
            queryset=Company.objects.order_by("name"), label=_("société")
        )
    return type(form_class.__name__, (form_class,), attrs)


class _TenantScoped:
    """Querysets and relation choices of a tenant model, for a ModelAdmin or an inline."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_platform_admin(request):
            return queryset.select_related(TENANT_FIELD)
        # Explicit on top of the request's scope: the tenant's own rows only.
        return queryset.filter(tenant=request.tenant)

    def get_exclude(self, request, obj=None):
        # Not editable on the model; the form declares its own ``tenant`` field when needed.
        return [*(super().get_exclude(request, obj) or ()), TENANT_FIELD]

    def chooses_tenant(self, request) -> bool:
        """Whether the form asks for the tenant (a superuser; rows without a tenant parent)."""
        return is_platform_admin(request)

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name != TENANT_FIELD]
        if self.chooses_tenant(request):
            fields.insert(0, TENANT_FIELD)
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not is_platform_admin(request):
            choices = tenant_choices(db_field.remote_field.model, request)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not is_platform_admin(request):
            choices = tenant_choices(db_field.remote_field.model, request)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class TenantAdmin(_TenantScoped, admin.ModelAdmin):
    """ModelAdmin of a TenantModel (see the module docstring)."""

    form = TenantModelForm

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if is_platform_admin(request) and TENANT_FIELD not in columns:
            columns.insert(1 if columns and columns[0] == "action_checkbox" else 0, TENANT_FIELD)
        return columns

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if is_platform_admin(request) and TENANT_FIELD not in filters:
            filters.insert(0, TENANT_FIELD)
        return filters

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return _tenant_form(form, request, choose=self.chooses_tenant(request))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.chooses_tenant(request) and TENANT_FIELD not in flatten_fieldsets(fieldsets):
            fieldsets = [(None, {"fields": [TENANT_FIELD]}), *fieldsets]
        return fieldsets

    def save_model(self, request, obj, form, change):
        if not is_platform_admin(request) and obj.tenant_id != request.tenant.pk:
            raise PermissionDenied
        super().save_model(request, obj, form, change)


class _TenantInline(_TenantScoped):
    form = TenantModelForm
    formset = TenantInlineFormSet

    def chooses_tenant(self, request) -> bool:
        # A child of a tenant row takes its parent's tenant; a child of a global row (a user's
        # memberships) needs its own choice.
        return is_platform_admin(request) and not issubclass(self.parent_model, TenantModel)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _tenant_form(formset.form, request, choose=self.chooses_tenant(request))
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
