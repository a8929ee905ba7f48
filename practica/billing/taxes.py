"""Sales taxes by a location's tax region and an item's tax category.

Rates in force in 2026. HST: Ontario 13%, New Brunswick, Newfoundland and
Labrador and Prince Edward Island 15%, Nova Scotia 14% (since 2025-04-01).
GST 5% in every other province and territory, plus a provincial tax where
there is one: British Columbia PST 7%, Saskatchewan PST 6%, Manitoba RST 7%,
Quebec QST 9.975%. The US default is no sales tax.

What each `TaxCategory` pays:

- ``health_service``: exempt everywhere (GST/HST-exempt health care; the
  provincial taxes follow).
- ``zero_rated`` and ``not_taxable``: no tax (a zero-rated supply is taxed at
  0%, which prints as nothing).
- ``taxable_service``: GST/HST everywhere in Canada, plus QST in Quebec. No
  PST in British Columbia, Saskatchewan or Manitoba. ASSUMPTION: those
  provincial taxes apply to goods and a short list of named services (legal,
  telecommunication, software, repairs...); the clinic services a clinic marks
  taxable (e.g. a wellness massage without a referral) are not on those lists.
  A clinic's accountant should confirm for its own services.
- ``goods``: GST/HST plus PST, RST or QST.

Each component is rounded per line to the cent, half up, so a receipt's
figures add up line by line.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from practica.billing.models.catalogue import TaxCategory
from practica.core.money import ZERO, quantize


@dataclass(frozen=True)
class TaxComponent:
    name: str
    rate: Decimal
    # The categories this component taxes.
    categories: frozenset[str]


@dataclass(frozen=True)
class TaxAmount:
    name: str
    rate: Decimal
    amount: Decimal


_SERVICES_AND_GOODS = frozenset({TaxCategory.TAXABLE_SERVICE, TaxCategory.GOODS})
_GOODS_ONLY = frozenset({TaxCategory.GOODS})


def _gst() -> TaxComponent:
    return TaxComponent("GST", Decimal("0.05"), _SERVICES_AND_GOODS)


def _hst(rate: str) -> TaxComponent:
    return TaxComponent("HST", Decimal(rate), _SERVICES_AND_GOODS)


TAX_RULES: dict[str, tuple[TaxComponent, ...]] = {
    "CA-AB": (_gst(),),
    "CA-BC": (_gst(), TaxComponent("PST", Decimal("0.07"), _GOODS_ONLY)),
    "CA-MB": (_gst(), TaxComponent("RST", Decimal("0.07"), _GOODS_ONLY)),
    "CA-NB": (_hst("0.15"),),
    "CA-NL": (_hst("0.15"),),
    "CA-NS": (_hst("0.14"),),
    "CA-NT": (_gst(),),
    "CA-NU": (_gst(),),
    "CA-ON": (_hst("0.13"),),
    "CA-PE": (_hst("0.15"),),
    "CA-QC": (_gst(), TaxComponent("QST", Decimal("0.09975"), _SERVICES_AND_GOODS)),
    "CA-SK": (_gst(), TaxComponent("PST", Decimal("0.06"), _GOODS_ONLY)),
    "CA-YT": (_gst(),),
    "US": (),
}


def components_for(tax_region: str) -> tuple[TaxComponent, ...]:
    """The taxes of a region; an unknown region is refused, never untaxed."""
    try:
        return TAX_RULES[tax_region]
    except KeyError:
        raise ValueError("Unknown tax region.") from None


def category_for_service(*, is_taxable: bool) -> str:
    """The category of a visit type that has only the old taxable flag
    (`AppointmentType.is_taxable`): a taxable service, or an exempt one."""
    return TaxCategory.TAXABLE_SERVICE if is_taxable else TaxCategory.HEALTH_SERVICE


def taxes_for_line(
    *,
    tax_region: str,
    amount: Decimal,
    tax_category: str | None = None,
    currency: str = "CAD",
    is_taxable: bool | None = None,
) -> tuple[TaxAmount, ...]:
    """Each tax on one line's amount, rounded to the cent; () when none applies.

    Give `tax_category`. `is_taxable` is the older form (a visit type's flag)
    and means `category_for_service(is_taxable=...)`; give one of the two.
    """
    if tax_category is None:
        if is_taxable is None:
            raise ValueError("Give the line's tax category.")
        tax_category = category_for_service(is_taxable=is_taxable)
    elif is_taxable is not None:
        raise ValueError("Give either a tax category or is_taxable, not both.")
    if tax_category not in TaxCategory.values:
        raise ValueError("Unknown tax category.")
    return tuple(
        TaxAmount(c.name, c.rate, quantize(amount * c.rate, currency))
        for c in components_for(tax_region)
        if tax_category in c.categories
    )


def tax_label(taxes: tuple[TaxAmount, ...]) -> str:
    """'GST+PST' for a line taxed twice; '' for an exempt line."""
    return "+".join(t.name for t in taxes)


def total_tax(taxes: tuple[TaxAmount, ...]) -> Decimal:
    return sum((t.amount for t in taxes), ZERO)
