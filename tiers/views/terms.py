"""Screens of a third party's commercial and financial terms and of its representatives: the two
sections of its page ("Conditions commerciales et financières", "Représentants"), the terms edit
page, the secondary reps page and the suivi commercial pages (add, change, remove with a
confirmation page). Every page reads the third party through ThirdPartyObjectMixin (404 when the
user may not see it) and writes through tiers.services.terms / terms_reps."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from tiers.forms.terms import FollowUpForm, SecondaryRepForm, TermsForm
from tiers.models import CommercialFollowUp, SecondaryRep, ThirdParty
from tiers.selectors_terms import follow_ups_for, follow_ups_shown, secondary_reps_of, terms_section
from tiers.services.terms import third_party_terms_update
from tiers.services.terms_reps import (
    follow_up_add,
    follow_up_change,
    follow_up_remove,
    secondary_rep_add,
    secondary_rep_remove,
)
from tiers.views.detail import ActionSpec, Section, action_register, section_register
from tiers.views.sites_banks import form_add_service_error
from tiers.views.third_parties import ThirdPartyObjectMixin, detail_url


class _TermsPage(ThirdPartyObjectMixin, View):
    def page(self, request, template: str, **context):
        return render(request, f"tiers/terms/{template}", {"third_party": self.third_party, **context})


# --- Terms ----------------------------------------------------------------------------------------


class TermsUpdateView(_TermsPage):
    permission_required = "tiers.change_thirdparty"

    def form(self, request, data=None) -> TermsForm:
        section = terms_section(tenant=request.tenant, third_party=self.third_party)
        return TermsForm(
            data,
            tenant=request.tenant,
            user=request.user,
            third_party=section.third_party,
            families=section.families,
        )

    def get(self, request, pk: int):
        return self.page(request, "form.html", form=self.form(request))

    def post(self, request, pk: int):
        form = self.form(request, request.POST)
        if form.is_valid():
            try:
                third_party_terms_update(
                    tenant=request.tenant,
                    actor=request.user,
                    third_party=self.third_party,
                    data=form.data_for_service(),
                )
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("Les conditions commerciales et financières sont enregistrées."))
                return redirect(detail_url(self.third_party))
        return self.page(request, "form.html", form=form)


# --- Secondary reps -------------------------------------------------------------------------------


class _RowPage(_TermsPage):
    """A page about one row of the third party (``row_pk``): 404 when it is not one of its rows."""

    model: type = SecondaryRep

    def row(self, request, row_pk: int):
        try:
            return self.model.objects.get(tenant=request.tenant, third_party=self.third_party, pk=row_pk)
        except self.model.DoesNotExist:
            raise Http404 from None


class _RowsPage(_TermsPage):
    """A list of the third party's rows with an add form under it: POST hands the form's data to
    ``add_service`` and comes back to the page."""

    template = ""
    form_class: type = SecondaryRepForm
    url_name = ""
    added_message = ""

    def rows(self, request):
        raise NotImplementedError

    def add(self, request, data) -> None:
        raise NotImplementedError

    def render_page(self, request, form):
        return self.page(request, self.template, form=form, rows=self.rows(request))

    def get(self, request, pk: int):
        return self.render_page(request, self.form_class(tenant=request.tenant))

    def post(self, request, pk: int):
        form = self.form_class(request.POST, tenant=request.tenant)
        if form.is_valid():
            try:
                self.add(request, form.cleaned_data)
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, str(self.added_message))
                return redirect(reverse(self.url_name, kwargs={"pk": self.third_party.pk}))
        return self.render_page(request, form)


class SecondaryRepsView(_RowsPage):
    permission_required = "tiers.change_secondaryrep"
    template = "secondary_reps.html"
    form_class = SecondaryRepForm
    url_name = "tiers:secondary_reps"
    added_message = gettext_lazy("Le représentant secondaire est ajouté.")

    def rows(self, request):
        return secondary_reps_of(tenant=request.tenant, third_party=self.third_party)

    def add(self, request, data) -> None:
        secondary_rep_add(tenant=request.tenant, actor=request.user, third_party=self.third_party, **data)


class _DeleteView(_RowPage):
    back_url_name = ""
    done_message = ""

    def describe(self, row) -> str:
        raise NotImplementedError

    def remove(self, request, row) -> None:
        raise NotImplementedError

    def back(self) -> str:
        return reverse(self.back_url_name, kwargs={"pk": self.third_party.pk})

    def get(self, request, pk: int, row_pk: int):
        row = self.row(request, row_pk)
        return self.page(request, "confirm_delete.html", description=self.describe(row), back_url=self.back())

    def post(self, request, pk: int, row_pk: int):
        self.remove(request, self.row(request, row_pk))
        messages.success(request, str(self.done_message))
        return redirect(self.back())


class SecondaryRepDeleteView(_DeleteView):
    permission_required = "tiers.change_secondaryrep"
    model = SecondaryRep
    back_url_name = "tiers:secondary_reps"
    done_message = gettext_lazy("Le représentant secondaire est retiré.")

    def describe(self, row: SecondaryRep) -> str:
        parts = [row.user.get_full_name() or row.user.get_username()]
        parts += [value.label for value in (row.role, row.product_family) if value is not None]
        return _("Retirer le représentant secondaire %(rep)s ?") % {"rep": " — ".join(parts)}

    def remove(self, request, row: SecondaryRep) -> None:
        secondary_rep_remove(tenant=request.tenant, actor=request.user, secondary_rep=row)


# --- Suivi commercial -----------------------------------------------------------------------------


class FollowUpsView(_RowsPage):
    permission_required = "tiers.change_commercialfollowup"
    template = "follow_ups.html"
    form_class = FollowUpForm
    url_name = "tiers:follow_ups"
    added_message = gettext_lazy("Le suivi commercial est ajouté.")

    def rows(self, request):
        return follow_ups_for(tenant=request.tenant, third_party=self.third_party)

    def add(self, request, data) -> None:
        follow_up_add(tenant=request.tenant, actor=request.user, third_party=self.third_party, **data)


class FollowUpUpdateView(_RowPage):
    permission_required = "tiers.change_commercialfollowup"
    model = CommercialFollowUp

    def get(self, request, pk: int, row_pk: int):
        row = self.row(request, row_pk)
        initial = {
            "organisation": row.organisation_id,
            "business_line": row.business_line_id,
            "rep": row.rep_id,
        }
        return self.page(
            request, "follow_up_form.html", form=FollowUpForm(tenant=request.tenant, initial=initial)
        )

    def post(self, request, pk: int, row_pk: int):
        row = self.row(request, row_pk)
        form = FollowUpForm(request.POST, tenant=request.tenant)
        if form.is_valid():
            try:
                follow_up_change(
                    tenant=request.tenant, actor=request.user, follow_up=row, **form.cleaned_data
                )
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("Le suivi commercial est enregistré."))
                return redirect(reverse("tiers:follow_ups", kwargs={"pk": self.third_party.pk}))
        return self.page(request, "follow_up_form.html", form=form)


class FollowUpDeleteView(_DeleteView):
    permission_required = "tiers.change_commercialfollowup"
    model = CommercialFollowUp
    back_url_name = "tiers:follow_ups"
    done_message = gettext_lazy("Le suivi commercial est retiré.")

    def describe(self, row: CommercialFollowUp) -> str:
        return _("Retirer le suivi commercial de %(organisation)s pour l'activité %(line)s ?") % {
            "organisation": row.organisation.name,
            "line": row.business_line.name,
        }

    def remove(self, request, row: CommercialFollowUp) -> None:
        follow_up_remove(tenant=request.tenant, actor=request.user, follow_up=row)


# --- Sections of the third party's page -----------------------------------------------------------


def _terms_load(request, third_party) -> dict:
    section = terms_section(tenant=request.tenant, third_party=third_party)
    return {"terms": section.third_party, "families": section.families}


def _reps_load(request, third_party) -> dict:
    return {
        "reps": ThirdParty.objects.select_related("rep_1", "rep_2", "commission_category").get(
            tenant=request.tenant, pk=third_party.pk
        ),
        "secondary_reps": list(secondary_reps_of(tenant=request.tenant, third_party=third_party)),
        "follow_ups": list(
            follow_ups_shown(tenant=request.tenant, third_party=third_party, user=request.user)
        ),
    }


section_register(Section("terms", "tiers/terms/_section_terms.html", 10, None, _terms_load))
section_register(Section("reps", "tiers/terms/_section_reps.html", 20, None, _reps_load))
for _spec in (
    ActionSpec("terms", "tiers:terms", "tiers.change_thirdparty", gettext_lazy("Modifier les conditions")),
    ActionSpec(
        "reps", "tiers:secondary_reps", "tiers.change_secondaryrep", gettext_lazy("Représentants secondaires")
    ),
    ActionSpec(
        "reps", "tiers:follow_ups", "tiers.change_commercialfollowup", gettext_lazy("Suivi commercial")
    ),
):
    action_register(_spec)

urlpatterns = [
    path("<int:pk>/conditions/", TermsUpdateView.as_view(), name="terms"),
    path("<int:pk>/representants/", SecondaryRepsView.as_view(), name="secondary_reps"),
    path(
        "<int:pk>/representants/<int:row_pk>/retirer/",
        SecondaryRepDeleteView.as_view(),
        name="secondary_rep_delete",
    ),
    path("<int:pk>/suivi-commercial/", FollowUpsView.as_view(), name="follow_ups"),
    path("<int:pk>/suivi-commercial/<int:row_pk>/", FollowUpUpdateView.as_view(), name="follow_up_update"),
    path(
        "<int:pk>/suivi-commercial/<int:row_pk>/retirer/",
        FollowUpDeleteView.as_view(),
        name="follow_up_delete",
    ),
]
