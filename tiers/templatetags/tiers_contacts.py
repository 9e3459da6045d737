"""Template filters of the contact pages."""

from __future__ import annotations

from django import template

from crm.normalize import phone_display

register = template.Library()


@register.filter
def phone_national(e164: str) -> str:
    """'+33123456789' → '01 23 45 67 89' (international format for foreign numbers)."""
    return phone_display(e164 or "")
