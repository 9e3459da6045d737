"""The form pages of a customer's row (an asset, a contract, a deal, an action...) that the apps
right of tiers repeat: create from the third party's page, edit from the row's page.

A subclass names the form, the service and the row's page; the GET pre-fill, the ``next``
handling, the success message and the refusals on the form are crm's ``ServiceFormView``'s.
An app with its own form template or an extra check (the CRM licence) lists its own
``ServiceFormView`` subclass after these classes: it then runs after the object is loaded."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from crm.views.forms import ServiceFormView
from tiers.views.third_parties import ThirdPartyObjectMixin


class _CustomerRowFormMixin:
    """The parts shared by the create and edit pages; ``customer()`` is the row's customer."""

    form_class: type
    # The row's page: a plain function of the saved row, set with ``staticmethod(...)``.
    row_url: Callable[..., str]

    def customer(self):
        raise NotImplementedError

    def form_kwargs(self) -> dict:
        return {"tenant": self.request.tenant, "customer": self.customer()}

    def form_data(self, form) -> dict:
        """The keyword arguments the service takes from the valid form."""
        return form.cleaned_data

    def context(self) -> dict:
        return {"customer": self.customer()}

    def success_url(self, saved) -> str:
        return self.row_url(saved)


class CustomerRowCreateView(_CustomerRowFormMixin, ThirdPartyObjectMixin, ServiceFormView):
    """``/clients/<pk>/.../nouveau/``: ``create_service(tenant=, actor=, customer=, **form_data)``."""

    create_service: Callable

    def customer(self):
        return self.third_party

    def form_initial(self) -> dict | None:
        """The form's initial values (None: the form's own)."""
        return None

    def make_form(self, data=None):
        kwargs = self.form_kwargs()
        initial = self.form_initial()
        if initial is not None:
            kwargs["initial"] = initial
        return self.form_class(data, **kwargs)

    def back_url(self) -> str:
        return reverse("tiers:detail", kwargs={"pk": self.third_party.pk})

    def save(self, form):
        return self.create_service(
            tenant=self.request.tenant,
            actor=self.request.user,
            customer=self.third_party,
            **self.form_data(form),
        )


class CustomerRowUpdateView(_CustomerRowFormMixin, ServiceFormView):
    """``/<rows>/<pk>/modifier/``, after the app's object mixin that loads ``self.<row_attribute>``:
    ``update_service(tenant=, actor=, <service_keyword>=row, **form_data)``."""

    row_attribute = ""
    # The service's argument for the row, when it is not named as the attribute.
    service_keyword = ""
    update_service: Callable

    def get_row(self):
        return getattr(self, self.row_attribute)

    def customer(self):
        return self.get_row().customer

    def subject(self) -> str | None:
        """Shown after the customer above the form (None: nothing)."""
        return str(self.get_row())

    def context(self) -> dict:
        context = super().context()
        subject = self.subject()
        if subject is not None:
            context["subject"] = subject
        return context

    def make_form(self, data=None):
        return self.form_class(data, instance=self.get_row(), **self.form_kwargs())

    def back_url(self) -> str:
        return self.row_url(self.get_row())

    def save(self, form):
        return self.update_service(
            tenant=self.request.tenant,
            actor=self.request.user,
            **{self.service_keyword or self.row_attribute: self.get_row()},
            **self.form_data(form),
        )
