"""Display helpers for patient pages."""

from __future__ import annotations

from django import template

from practica.patients.phones import display

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """A stored E.164 number in the form people read (416) 555-0123."""
    return display(value or "")
