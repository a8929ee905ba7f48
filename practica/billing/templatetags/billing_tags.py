"""Display helpers for money and times on billing pages and PDFs."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from django import template
from django.utils import timezone

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


@register.filter
def local_to(value: dt.datetime | None, tz_name: str) -> dt.datetime | None:
    """A stored UTC time shown in the location's time zone."""
    if value is None:
        return None
    return timezone.localtime(value, zoneinfo.ZoneInfo(tz_name))
