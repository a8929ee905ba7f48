"""Display helpers for money on billing pages and PDFs. Times use Django's
`{% timezone %}` block with the invoice location's zone."""

from __future__ import annotations

from decimal import Decimal

from django import template

from practica.core.money import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str = "CAD") -> str:
    if amount is None:
        return ""
    return format_money(amount, currency)


@register.filter
def percent(rate: Decimal) -> str:
    """0.09975 -> '9.975%'; 0.13000 -> '13%'."""
    text = f"{(rate * 100).normalize():f}"
    return f"{text}%"
