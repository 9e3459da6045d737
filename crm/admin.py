"""Admin of the core models, scoped to the tenant for a tenant's administrator (crm.admin_base)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils.translation import gettext_lazy as _

from crm.admin_base import (
    GlobalReferenceAdmin,
    ReadOnlyAdminMixin,
    TenantAdmin,
    TenantModelForm,
    TenantStackedInline,
    TenantTabularInline,
    is_platform_admin,
    tenant_users,
)
from crm.models import (
    AuditEntry,
    BusinessLine,
    Company,
    Counter,
    Country,
    Currency,
    ExportJob,
    InternalOrganisation,
    Membership,
    MembershipBusinessLine,
    MembershipOrganisation,
    Parameter,
    SearchEntry,
)
from crm.services.access_audit import (
    membership_audit,
    membership_snapshot,
    user_access_audit,
    user_access_snapshot,
)
from crm.services.audit import audit_record
from crm.services.parameters import DEFINITIONS, parameter_clean, parameter_set

User = get_user_model()

admin.site.site_header = _("CRM 360 — administration")
admin.site.site_title = _("CRM 360")
admin.site.index_title = _("Administration")


# --- Reference data ----------------------------------------------------------------------------------


@admin.register(Country)
class CountryAdmin(GlobalReferenceAdmin):
    list_display = ("code", "name", "postal_code_required", "legal_ids_required", "eu_member", "iban_used")
    list_filter = ("eu_member", "postal_code_required", "legal_ids_required", "iban_used")
    search_fields = ("code", "name")


@admin.register(Currency)
class CurrencyAdmin(GlobalReferenceAdmin):
    list_display = ("code", "name", "decimals")
    list_filter = ("decimals",)
    search_fields = ("code", "name")


# --- The tenant itself -------------------------------------------------------------------------------


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    """A tenant's administrator sees and edits only their own company; superusers see them all."""

    list_display = ("code", "name", "country", "currency", "is_active", "created_at")
    list_filter = ("is_active", "country", "currency")
    search_fields = ("code", "name")

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("country", "currency")
        if is_platform_admin(request):
            return queryset
        return queryset.filter(pk=request.tenant.pk)

    def get_readonly_fields(self, request, obj=None):
        if is_platform_admin(request):
            return ()
        # The code identifies the tenant and deactivating it would lock every user out.
        return ("code", "is_active")

    def get_list_filter(self, request):
        return self.list_filter if is_platform_admin(request) else ()

    def has_add_permission(self, request) -> bool:
        return is_platform_admin(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_platform_admin(request)


# --- Tenant rows ---------------------------------------------------------------------------------------


@admin.register(BusinessLine)
class BusinessLineAdmin(TenantAdmin):
    list_display = ("code", "name")
    list_filter = ()
    search_fields = ("code", "name")


@admin.register(InternalOrganisation)
class InternalOrganisationAdmin(TenantAdmin):
    list_display = ("code", "name")
    list_filter = ()
    search_fields = ("code", "name")


class ParameterForm(TenantModelForm):
    key = forms.ChoiceField(label=_("paramètre"), choices=[(key, d.label) for key, d in DEFINITIONS.items()])
    value = forms.JSONField(
        label=_("valeur"), help_text=_("Un nombre entier (12) ou un booléen (true / false).")
    )

    class Meta:
        model = Parameter
        fields = ("key", "value")

    def clean(self):
        cleaned_data = super().clean()
        if "key" in cleaned_data and "value" in cleaned_data:
            try:
                cleaned_data["value"] = parameter_clean(cleaned_data["key"], cleaned_data["value"])
            except forms.ValidationError as error:
                self.add_error("value", error)
        return cleaned_data


@admin.register(Parameter)
class ParameterAdmin(TenantAdmin):
    form = ParameterForm
    list_display = ("key", "value")
    list_filter = ("key",)
    search_fields = ("key",)

    def get_readonly_fields(self, request, obj=None):
        return ("key",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if request.tenant is None or obj.tenant_id != request.tenant.pk:
            raise PermissionDenied
        # The service validates, stores and audits the change.
        row = parameter_set(tenant=obj.tenant, key=obj.key, value=obj.value, actor=request.user)
        obj.pk = row.pk

    def delete_model(self, request, obj):
        _audit_parameter_delete(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for parameter in queryset:
            _audit_parameter_delete(request, parameter)
        super().delete_queryset(request, queryset)


def _audit_parameter_delete(request, parameter: Parameter) -> None:
    audit_record(
        tenant=parameter.tenant,
        actor=request.user,
        action="parameter.delete",
        instance=parameter,
        changes={parameter.key: [parameter.value, None]},
    )


# --- Memberships: who holds which role in which company (audited, crm.services.access_audit) ---


class _MembershipChildInline(TenantTabularInline):
    """Business lines and organisations of a seat: editing them is editing the membership."""

    extra = 0

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("crm.view_membership")

    def has_add_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("crm.change_membership")

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("crm.change_membership")

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("crm.change_membership")


class MembershipBusinessLineInline(_MembershipChildInline):
    model = MembershipBusinessLine
    fields = ("business_line",)
    verbose_name = _("activité")
    verbose_name_plural = _("activités")


class MembershipOrganisationInline(_MembershipChildInline):
    model = MembershipOrganisation
    fields = ("organisation",)
    verbose_name = _("organisation interne")
    verbose_name_plural = _("organisations internes")


@admin.register(Membership)
class MembershipAdmin(TenantAdmin):
    list_display = ("user", "role", "licence", "is_active")
    list_filter = ("role", "licence", "is_active")
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email")
    list_select_related = ("user", "role")
    inlines = [MembershipBusinessLineInline, MembershipOrganisationInline]

    def get_readonly_fields(self, request, obj=None):
        return ("user",) if obj is not None else ()

    def has_add_permission(self, request) -> bool:
        # A tenant's administrator creates a seat together with its user, in the user admin: the
        # only users they may see already hold a seat in their company. A superuser gives a seat
        # in the company it works in.
        return is_platform_admin(request) and request.tenant is not None

    def save_model(self, request, obj, form, change):
        # Audited once the business lines and organisations (inlines) are saved too.
        obj._audit_before = membership_snapshot(obj) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        membership = form.instance
        membership_audit(actor=request.user, membership=membership, before=membership._audit_before)

    def delete_model(self, request, obj):
        membership_audit(actor=request.user, membership=obj, before=membership_snapshot(obj), deleted=True)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            membership_audit(
                actor=request.user,
                membership=membership,
                before=membership_snapshot(membership),
                deleted=True,
            )
        super().delete_queryset(request, queryset)


class MembershipInline(TenantStackedInline):
    """The user's seats. A tenant's administrator sees and edits only the seat in their company."""

    model = Membership
    fk_name = "user"
    fields = ("role", "licence", "is_active")
    extra = 0

    def get_min_num(self, request, obj=None, **kwargs):
        # A user created by a tenant's administrator starts with a seat in their company.
        return 1 if obj is None and not is_platform_admin(request) else 0

    def get_max_num(self, request, obj=None, **kwargs):
        # One seat per company, and only in the company the admin works in (row-level security).
        return 0 if request.tenant is None else 1

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if is_platform_admin(request) and request.tenant is not None else 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The admin only sets the limits in the page; enforce them on the server too.
        formset.validate_max = True
        formset.validate_min = not is_platform_admin(request)
        return formset


# --- Users and roles (django.contrib.auth, re-registered) --------------------------------------------


def user_belongs_only_to(user, tenant) -> bool:
    """True when ``user`` is no superuser and holds no seat in any other company than ``tenant``."""
    if user.is_superuser:
        return False
    # The other companies' seats are hidden by row-level security: a database function answers.
    with connection.cursor() as cursor:
        cursor.execute("SELECT crm_user_has_seat_elsewhere(%s, %s)", [user.pk, tenant.pk])
        return not cursor.fetchone()[0]


admin.site.unregister(User)


@admin.register(User)
class TenantUserAdmin(UserAdmin):
    """Users and their seats.

    A tenant's administrator (no superuser) works on the users holding a seat in their company,
    with the rights of the membership model; a user who also belongs to another company is shown
    read-only, except for their seat here (a user is global, the seat is the tenant's).
    Permissions come from the membership's role, never from user groups, so the groups and user
    permissions fields are not shown.
    """

    inlines = [MembershipInline]
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active")
    filter_horizontal = ()
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name", "email")}),
        (_("Accès"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_platform_admin(request):
            return queryset
        return queryset.filter(pk__in=tenant_users(request.tenant).values("pk"))

    def get_list_filter(self, request):
        if is_platform_admin(request):
            return [*self.list_filter, "memberships__tenant"]
        return ("is_staff",)

    def get_fieldsets(self, request, obj=None):
        if obj is None or is_platform_admin(request):
            return super().get_fieldsets(request, obj)
        first = ("username", "password") if user_belongs_only_to(obj, request.tenant) else ("username",)
        return (
            (None, {"fields": first}),
            (_("Identité"), {"fields": ("first_name", "last_name", "email")}),
            (_("Accès"), {"fields": ("is_staff",)}),
            (_("Dates"), {"fields": ("last_login", "date_joined")}),
        )

    def get_readonly_fields(self, request, obj=None):
        if is_platform_admin(request) or obj is None:
            return ()
        if user_belongs_only_to(obj, request.tenant):
            return ("last_login", "date_joined")
        return ("username", "first_name", "last_name", "email", "is_staff", "last_login", "date_joined")

    # A tenant's administrator holds the membership permissions, not auth.*_user ones.
    def has_module_permission(self, request) -> bool:
        return is_platform_admin(request) or request.user.has_perm("crm.view_membership")

    def has_view_permission(self, request, obj=None) -> bool:
        return is_platform_admin(request) or request.user.has_perm("crm.view_membership")

    def has_add_permission(self, request) -> bool:
        return is_platform_admin(request) or request.user.has_perm("crm.add_membership")

    def has_change_permission(self, request, obj=None) -> bool:
        return is_platform_admin(request) or request.user.has_perm("crm.change_membership")

    def has_delete_permission(self, request, obj=None) -> bool:
        # A user is global; a tenant's administrator removes the seat, not the user.
        return is_platform_admin(request)

    def user_change_password(self, request, id, form_url=""):
        if not is_platform_admin(request):
            user = self.get_object(request, unquote(id))
            if user is not None and not user_belongs_only_to(user, request.tenant):
                raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        # The access flags (active, staff, superuser) are audited once the seats are saved.
        obj._access_before = user_access_snapshot(obj) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        user_access_audit(actor=request.user, user=user, before=getattr(user, "_access_before", None))

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        befores = {f.instance.pk: membership_snapshot(f.instance) for f in formset.initial_forms}
        super().save_formset(request, form, formset, change)
        for membership in formset.deleted_objects:
            membership_audit(
                actor=request.user, membership=membership, before=befores.get(membership.pk), deleted=True
            )
        for membership in formset.new_objects:
            membership_audit(actor=request.user, membership=membership, before=None)
        for membership, _changed in formset.changed_objects:
            membership_audit(actor=request.user, membership=membership, before=befores.get(membership.pk))
        return None


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """Roles are defined in code: each app's grants.py, applied at every migration
    (crm.rights.apply_role_grants). The admin shows them read-only, to superusers only; an edit
    here would be silently undone by the next migration.
    """

    def has_module_permission(self, request) -> bool:
        return is_platform_admin(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_platform_admin(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- Rows written only by services ---------------------------------------------------------------------


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, TenantAdmin):
    list_display = ("created_at", "actor", "action", "content_type", "object_repr")
    list_filter = (
        "action",
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ("actor", admin.RelatedOnlyFieldListFilter),
        "created_at",
    )
    search_fields = ("action", "object_repr", "object_id", "reason", "actor__username")
    list_select_related = ("actor", "content_type")


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdminMixin, TenantAdmin):
    list_display = ("created_at", "owner", "exporter", "format", "status", "progress", "expires_at")
    list_filter = ("status", "format", ("owner", admin.RelatedOnlyFieldListFilter), "created_at")
    search_fields = ("exporter", "owner__username", "owner__last_name")
    list_select_related = ("owner",)
    # The file is its owner's: it is downloaded through the export screens, which check the owner.
    exclude = ("file",)


@admin.register(Counter)
class CounterAdmin(ReadOnlyAdminMixin, TenantAdmin):
    list_display = ("key", "value")
    search_fields = ("key",)


@admin.register(SearchEntry)
class SearchEntryAdmin(ReadOnlyAdminMixin, TenantAdmin):
    """The quick-search index, for support: read-only (services and rebuild_search_index write it).
    Its token rows (crm.SearchToken, a composite primary key the admin cannot show) are not listed."""

    list_display = ("kind", "label", "sublabel", "object_id", "customer_id")
    list_filter = ("kind",)
    search_fields = ("label", "text")
