"""Sales taxes by a location's tax region.

Canadian rates as of 2025: HST in Ontario (13%) and Nova Scotia (14%); GST 5%
elsewhere, plus British Columbia's PST (7%) and Quebec's QST (9.975%). The US
default is no sales tax. Most health services are exempt; only items marked
taxable (`AppointmentType.is_taxable`) are taxed. Each component is rounded per
line to the cent, half up, so a receipt's figures add up line by line.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from practica.core.money import ZERO, quantize


@dataclass(frozen=True)
class TaxComponent:
    name: str
    rate: Decimal


@dataclass(frozen=True)
class TaxAmount:
    name: str
    rate: Decimal
    amount: Decimal


TAX_RULES: dict[str, tuple[TaxComponent, ...]] = {
    "CA-ON": (TaxComponent("HST", Decimal("0.13")),),
    "CA-NS": (TaxComponent("HST", Decimal("0.14")),),
    "CA-BC": (
        TaxComponent("GST", Decimal("0.05")),
        TaxComponent("PST", Decimal("0.07")),
    ),
    "CA-AB": (TaxComponent("GST", Decimal("0.05")),),
    "CA-QC": (
        TaxComponent("GST", Decimal("0.05")),
        TaxComponent("QST", Decimal("0.09975")),
    ),
    "US": (),
}


def components_for(tax_region: str) -> tuple[TaxComponent, ...]:
    """The taxes of a region; an unknown region is refused, never untaxed."""
    try:
        return TAX_RULES[tax_region]
    except KeyError:
        raise ValueError("Unknown tax region.") from None


def taxes_for_line(
    *, tax_region: str, amount: Decimal, is_taxable: bool, currency: str = "CAD"
) -> tuple[TaxAmount, ...]:
    """Each tax on one line's amount, rounded to the cent; () when exempt."""
    if not is_taxable:
        return ()
    return tuple(
        TaxAmount(c.name, c.rate, quantize(amount * c.rate, currency))
        for c in components_for(tax_region)
    )


def tax_label(taxes: tuple[TaxAmount, ...]) -> str:
    """'GST+PST' for a line taxed twice; '' for an exempt line."""
    return "+".join(t.name for t in taxes)


def total_tax(taxes: tuple[TaxAmount, ...]) -> Decimal:
    return sum((t.amount for t in taxes), ZERO)
