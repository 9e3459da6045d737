"""Read a rendered page: its POST form's fields, and the error messages it shows (lxml)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import html

SKIPPED_INPUT_TYPES = {"submit", "button", "image", "reset", "file"}


@dataclass
class FormField:
    name: str
    kind: str  # the input type ("text", "number", "date"...), "select", "textarea", "hidden"...
    value: str = ""  # the rendered value (or selected option)
    options: list[str] = field(default_factory=list)  # select/radio/checkbox values
    multiple: bool = False
    required: bool = False


@dataclass
class ParsedForm:
    action: str
    fields: dict[str, FormField]
    button: tuple[str, str] | None = None  # the first named submit button (name, value)

    @property
    def fuzzable(self) -> list[FormField]:
        return [f for f in self.fields.values() if f.kind != "hidden"]


def _is_own_action(action: str, path: str) -> bool:
    """The form posts to the page itself (no action, a query string only, or the same path)."""
    return urlsplit(action).path in ("", ".", path)


def post_forms(content: bytes | str, path: str) -> list[ParsedForm]:
    """The page's POST forms that post to ``path`` itself and have fields to fill."""
    if not content:
        return []
    document = html.fromstring(content)
    forms = []
    for form in document.iter("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        if not _is_own_action(form.get("action") or "", path):
            continue
        parsed = _parse(form)
        if parsed.fuzzable:
            forms.append(parsed)
    return forms


def _in_template(element) -> bool:
    return any(ancestor.tag == "template" for ancestor in element.iterancestors())


def _add_template_rows(form, fields: dict[str, FormField]) -> None:
    """What the page's script does on "add a row": one more formset row from each
    ``<template data-formset-template="<prefix>">``, TOTAL_FORMS counting it."""
    for template in form.iter("template"):
        prefix = template.get("data-formset-template")
        total = fields.get(f"{prefix}-TOTAL_FORMS")
        if not prefix or total is None or not total.value.isdigit():
            continue
        index = total.value
        row: dict[str, FormField] = {}
        _collect(template, row, inside_template=True)
        for item in row.values():
            item.name = item.name.replace("__prefix__", index)
            fields[item.name] = item
        total.value = str(int(index) + 1)


def _parse(form) -> ParsedForm:
    fields: dict[str, FormField] = {}
    button = _collect(form, fields, inside_template=False)
    _add_template_rows(form, fields)
    return ParsedForm(action=form.get("action") or "", fields=fields, button=button)


def _collect(form, fields: dict[str, FormField], *, inside_template: bool) -> tuple[str, str] | None:
    button = None
    for element in form.iter("input", "select", "textarea", "button"):
        name = element.get("name")
        if not name or (not inside_template and _in_template(element)):
            continue
        tag = element.tag
        if tag == "button" or (tag == "input" and (element.get("type") or "").lower() == "submit"):
            if button is None and (element.get("type") or "submit").lower() == "submit":
                button = (name, element.get("value") or "")
            continue
        required = element.get("required") is not None
        if tag == "select":
            options = [
                o.get("value") if o.get("value") is not None else (o.text or "")
                for o in element.iter("option")
            ]
            selected = [
                o.get("value") if o.get("value") is not None else (o.text or "")
                for o in element.iter("option")
                if o.get("selected") is not None
            ]
            fields[name] = FormField(
                name,
                "select",
                selected[0] if selected else "",
                options,
                element.get("multiple") is not None,
                required,
            )
        elif tag == "textarea":
            fields[name] = FormField(name, "textarea", element.text or "", required=required)
        else:
            kind = (element.get("type") or "text").lower()
            if kind in SKIPPED_INPUT_TYPES:
                continue
            value = element.get("value") or ""
            if kind in ("checkbox", "radio"):
                existing = fields.get(name)
                if existing is None:
                    existing = fields[name] = FormField(name, kind, "", [], kind == "checkbox", required)
                existing.options.append(value or "on")
                if element.get("checked") is not None:
                    existing.value = value or "on"
            else:
                fields[name] = FormField(name, kind, value, required=required)
    return button


def initial_data(form: ParsedForm) -> dict[str, list[str]]:
    """What the browser would post unchanged."""
    data: dict[str, list[str]] = {}
    for item in form.fields.values():
        if item.kind == "checkbox":
            if item.value:
                data[item.name] = [item.value]
        elif item.value or item.kind != "radio":
            data[item.name] = [item.value]
    if form.button:
        data[form.button[0]] = [form.button[1]]
    return data


# Error containers of the templates: Django's ``errorlist``, templates/includes/field.html's
# ``errors``/``error``, form_errors.html's ``alert-error`` and base.html's ``message-error``.
_ERROR_XPATH = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' errorlist ')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' errors ')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' error ')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' alert-error ')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' invalid-feedback ')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' message-error ')]"
)

# Django's own English messages start like this: a page showing one was not translated.
_ENGLISH = re.compile(
    r"\b(This field|Enter a|Enter the|Enter only|Select a valid|Ensure this|Ensure that|Please |"
    r"is not a valid|Null characters|The .* must|Invalid |must be|already exists)\b"
)


def error_messages(content: bytes | str) -> list[str]:
    """The texts of the page's error containers."""
    if not content:
        return []
    document = html.fromstring(content)
    texts = []
    for element in document.xpath(_ERROR_XPATH):
        text = " ".join(element.text_content().split())
        if text:
            texts.append(text)
    return texts


def english_messages(messages: list[str]) -> list[str]:
    return [message for message in messages if _ENGLISH.search(message)]
