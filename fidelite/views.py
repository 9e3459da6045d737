"""Loyalty screens: the "Fidélité" section of the third party's page (balance, totals, last
manual credit, the latest entries, join and manual credit/debit for the permitted roles), the
paginated history, the join and credit/debit forms, and the summary shown in the synthèse header
(loaded by htmx, so the synthèse frame's queries do not change)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from crm.views.forms import ServiceFormView
from fidelite.forms import JoinForm, PointsForm
from fidelite.selectors import (
    HISTORY_PAGE_SIZE,
    SECTION_PAGE_SIZE,
    account_of_customer,
    entries_page,
    last_manual_credit,
    programs_active,
)
from fidelite.services.accounts import loyalty_join
from fidelite.services.ledger import points_credit_manual, points_debit_manual
from tiers.views.detail import Section, section_register
from tiers.views.third_parties import ThirdPartyObjectMixin

ADJUST = "fidelite.adjust_points"
SECTION_ANCHOR = "#section-fidelite"


def record_url(third_party) -> str:
    return reverse("tiers:detail", kwargs={"pk": third_party.pk}) + SECTION_ANCHOR


class AccountMixin(ThirdPartyObjectMixin):
    """The third party (visible or 404) and its loyalty account (404 when it has none)."""

    def account_get(self):
        account = account_of_customer(tenant=self.request.tenant, customer=self.third_party)
        if account is None:
            raise Http404(_("Ce client n'a pas de compte de fidélité."))
        return account


class LoyaltyJoinView(ThirdPartyObjectMixin, ServiceFormView):
    permission_required = "fidelite.add_loyaltyaccount"
    title = gettext_lazy("Adhérer au programme de fidélité")
    success_message = gettext_lazy("Le client a adhéré au programme de fidélité.")

    def make_form(self, data=None):
        return JoinForm(data, programs=programs_active(tenant=self.request.tenant))

    def context(self) -> dict:
        return {"customer": self.third_party}

    def back_url(self) -> str:
        return record_url(self.third_party)

    def success_url(self, saved) -> str:
        return record_url(self.third_party)

    def save(self, form):
        return loyalty_join(
            tenant=self.request.tenant,
            actor=self.request.user,
            customer=self.third_party,
            program=form.cleaned_data["program"],
        )


class _PointsView(AccountMixin, ServiceFormView):
    permission_required = ADJUST
    service = None

    def make_form(self, data=None):
        self.account = self.account_get()
        return PointsForm(data)

    def context(self) -> dict:
        return {"customer": self.third_party, "subject": self.account.number}

    def back_url(self) -> str:
        return record_url(self.third_party)

    def success_url(self, saved) -> str:
        return record_url(self.third_party)

    def save(self, form):
        return type(self).service(
            tenant=self.request.tenant,
            actor=self.request.user,
            account=self.account,
            points=form.cleaned_data["points"],
            reason=form.cleaned_data["reason"],
        )


class PointsCreditView(_PointsView):
    title = gettext_lazy("Créditer des points")
    success_message = gettext_lazy("Points crédités.")
    service = staticmethod(points_credit_manual)


class PointsDebitView(_PointsView):
    title = gettext_lazy("Débiter des points")
    success_message = gettext_lazy("Points débités.")
    service = staticmethod(points_debit_manual)


class HistoryView(AccountMixin, View):
    permission_required = "fidelite.view_pointentry"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        account = self.account_get()
        page = entries_page(
            tenant=request.tenant, account=account, number=request.GET.get("page"), size=HISTORY_PAGE_SIZE
        )
        context = {"customer": self.third_party, "account": account, "page_obj": page}
        return render(request, "fidelite/history.html", context)


class SummaryView(ThirdPartyObjectMixin, View):
    """The synthèse header's loyalty summary (an htmx fragment)."""

    permission_required = "fidelite.view_loyaltyaccount"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        account = account_of_customer(tenant=request.tenant, customer=self.third_party)
        return render(request, "fidelite/_summary.html", {"customer": self.third_party, "account": account})


# --- The third party's page -----------------------------------------------------------------------


def loyalty_section_load(request, third_party) -> dict:
    """Fixed queries: the account with its totals, the last manual credit, one page of entries
    (count + rows); without an account, the active programmes when the user may enrol."""
    user, tenant = request.user, request.tenant
    account = account_of_customer(tenant=tenant, customer=third_party)
    context = {"account": account, "can_adjust": user.has_perm(ADJUST)}
    if account is None:
        may_join = user.has_perm("fidelite.add_loyaltyaccount") and third_party.is_customer
        context["may_join"] = may_join
        return context
    context["last_credit"] = last_manual_credit(tenant=tenant, account=account)
    if user.has_perm("fidelite.view_pointentry"):
        context["show_entries"] = True
        context["page_obj"] = entries_page(tenant=tenant, account=account, number=1, size=SECTION_PAGE_SIZE)
    return context


section_register(
    Section(
        name="fidelite",
        template="fidelite/_section.html",
        position=170,
        permission="fidelite.view_loyaltyaccount",
        load=loyalty_section_load,
    )
)

urlpatterns = [
    path("clients/<int:pk>/adherer/", LoyaltyJoinView.as_view(), name="join"),
    path("clients/<int:pk>/crediter/", PointsCreditView.as_view(), name="credit"),
    path("clients/<int:pk>/debiter/", PointsDebitView.as_view(), name="debit"),
    path("clients/<int:pk>/historique/", HistoryView.as_view(), name="history"),
    path("clients/<int:pk>/resume/", SummaryView.as_view(), name="summary"),
]
