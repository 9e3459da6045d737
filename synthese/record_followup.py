"""Record section "Suivi" (seeds 001 and 002): the customer's open tasks, its agenda (past, today,
upcoming) and events, from ventes' actions; adding an event (an Action of kind "event" created by
ventes' service); the time spent per collaborator from parc's interventions (HH.MM); and the
history screen (synthese.history: every action, deal, quote, order, service request and
intervention, planned farthest first then done newest first, each line opening its record).

The action blocks need the view permission of actions and the CRM licence (the Actions tab is a
CRM feature, DESIGN.md §4); adding an event needs the add permission too. Every block is one
query (the history two: a count and a page) whatever the customer's size."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parc.selectors_time import time_spent_by_technician
from ventes.models import ActionKind
from ventes.selectors_pipeline import actions_of_customer
from ventes.services.actions import action_create

from .history import KIND_LABELS, customer_history_page, history_row_url
from .record import RecordSection, record_section_register, section_refused

KEY = "suivi"
EVENT_FORM = "event_form"
ROWS = 10
HISTORY_PAGE_PARAMETER = "page"
VIEW_ACTIONS, ADD_ACTIONS = "ventes.view_action", "ventes.add_action"
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Objet"), max_length=200)
    at = forms.DateTimeField(label=gettext_lazy("Date"), widget=DATETIME_WIDGET)
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def _crm_licence(request) -> bool:
    membership = getattr(request, "membership", None)
    return bool(membership and membership.has_crm_licence)


def _day_bounds(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    today = timezone.localdate(now)
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def _action_blocks(request, customer) -> dict:
    actions = actions_of_customer(tenant=request.tenant, customer=customer)
    start, end = _day_bounds(timezone.now())
    planned = actions.filter(planned_at__isnull=False)
    return {
        "tasks": list(
            actions.filter(kind=ActionKind.TASK, done_at__isnull=True).order_by("planned_at", "pk")[:ROWS]
        ),
        "agenda_past": list(planned.filter(planned_at__lt=start).order_by("-planned_at", "-pk")[:ROWS]),
        "agenda_today": list(
            planned.filter(planned_at__gte=start, planned_at__lt=end).order_by("planned_at", "pk")[:ROWS]
        ),
        "agenda_upcoming": list(planned.filter(planned_at__gte=end).order_by("planned_at", "pk")[:ROWS]),
        "events": list(actions.filter(kind=ActionKind.EVENT)[:ROWS]),
    }


def _history(request, customer):
    page = customer_history_page(
        tenant=request.tenant,
        user=request.user,
        customer=customer,
        page=request.GET.get(HISTORY_PAGE_PARAMETER, 1),
    )
    rows = [{**row, "kind_label": KIND_LABELS[row["row_kind"]], "url": history_row_url(row)} for row in page]
    return page, rows


def followup_context(request, customer) -> dict:
    user = request.user
    page, rows = _history(request, customer)
    context: dict = {"history_page": page, "history_rows": rows}
    if user.has_perm(VIEW_ACTIONS) and _crm_licence(request):
        context.update(_action_blocks(request, customer))
        if user.has_perm(ADD_ACTIONS):
            context[EVENT_FORM] = EventForm(
                initial={"at": timezone.localtime().replace(second=0, microsecond=0)}
            )
    if user.has_perm("parc.view_servicerequest"):
        context["time_spent"] = time_spent_by_technician(tenant=request.tenant, user=user, customer=customer)
    return context


def event_add(request, customer):
    """POST: a new event about the customer (done when dated in the past, else planned); a refusal
    shows the section again with the typed values (synthese.record.section_refused)."""
    if not (request.user.has_perm(ADD_ACTIONS) and _crm_licence(request)):
        raise PermissionDenied
    form = EventForm(request.POST)
    if not form.is_valid():
        return section_refused(EVENT_FORM, form)
    at = form.cleaned_data["at"]
    try:
        action_create(
            tenant=request.tenant,
            actor=request.user,
            customer=customer,
            kind=ActionKind.EVENT,
            subject=form.cleaned_data["subject"],
            notes=form.cleaned_data["notes"],
            planned_at=at,
            done_at=at if at <= timezone.now() else None,
        )
    except ValidationError as error:
        return section_refused(EVENT_FORM, form, error)
    messages.success(request, _("Événement enregistré."))
    return redirect("synthese:record", pk=customer.pk, section=KEY)


record_section_register(
    RecordSection(
        key=KEY,
        label=gettext_lazy("Suivi"),
        order=30,
        template="synthese/record/suivi.html",
        context=followup_context,
        post=event_add,
    )
)
