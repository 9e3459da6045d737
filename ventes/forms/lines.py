"""The lines formset of every sales document form (quote, order, later invoice): one row per
line, a hidden ``pk`` for existing lines, delete checkboxes, an empty row template for
static/js/document-lines.js. The rules are the services' (ventes.services.lines)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import Company
from parc.forms.assets import ArticleChoiceField
from parc.models import Article
from ventes.documents import number_fr
from ventes.services.lines import LINE_FIELDS, vat_rates

LINES_PREFIX = "lignes"
NUMBER = {"class": "input-number"}


def _decimal(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, widget=forms.NumberInput(attrs={**NUMBER, "step": "any"}), **kwargs
    )


def _rate(value: str) -> Decimal:
    """The posted VAT rate as a Decimal; text that is no number raises ValueError, which the
    TypedChoiceField turns into its "invalid choice" error (Decimal's InvalidOperation was a
    server error)."""
    try:
        return Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(value) from exc


def rate_value(rate: Decimal) -> str:
    """A VAT rate as the select's option value: 20.00 → "20", 5.50 → "5.5"."""
    return f"{Decimal(rate).normalize():f}"


class LineForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    article = ArticleChoiceField(label=_("Article"), queryset=None, required=False)
    label = forms.CharField(label=_("Désignation"), max_length=200, required=False)
    quantity = _decimal(_("Quantité"), max_digits=12, decimal_places=3)
    unit_price = _decimal(_("Prix unitaire HT"), max_digits=14, decimal_places=4)
    discount_percent = _decimal(_("Remise %"), max_digits=5, decimal_places=2, initial=Decimal(0))
    vat_rate = forms.TypedChoiceField(label=_("TVA %"), coerce=_rate, choices=())
    unit_cost = _decimal(
        _("Coût unitaire"), max_digits=14, decimal_places=4, initial=Decimal(0), required=False
    )

    def __init__(self, *args, tenant: Company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = Article.objects.filter(tenant=tenant).order_by("code")
        self.fields["vat_rate"].choices = [(rate_value(rate), number_fr(rate, 2)) for rate in vat_rates()]
        self.fields["vat_rate"].initial = rate_value(vat_rates()[0])

    def line(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"pk": data.get("pk"), **{name: data.get(name) for name in LINE_FIELDS}}


class BaseLineFormSet(forms.BaseFormSet):
    def lines(self) -> list[dict[str, Any]]:
        """The kept lines, in order, as the services take them (empty and deleted rows left out)."""
        return [
            form.line()
            for form in self.forms
            if form.has_changed() and form.is_valid() and not self._should_delete_form(form)
        ]


def line_formset(form_class: type[LineForm], *, data=None, initial=None, **form_kwargs):
    """A bound or unbound formset of ``form_class`` rows (``form_kwargs``: tenant...), one empty
    row to fill."""
    formset_class = forms.formset_factory(form_class, formset=BaseLineFormSet, extra=1, can_delete=True)
    return formset_class(data, initial=initial, prefix=LINES_PREFIX, form_kwargs=form_kwargs)


def lines_initial(lines, extra_fields: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The formset's initial rows from saved lines."""
    return [
        {
            "pk": line.pk,
            **{name: getattr(line, name) for name in (*LINE_FIELDS, *extra_fields)},
            "vat_rate": rate_value(line.vat_rate),
        }
        for line in lines
    ]
