"""Every tax region x every tax category, with exact cents (billing.taxes)."""

from decimal import Decimal

import pytest

from practica.billing.models import TaxCategory
from practica.billing.taxes import (
    TaxAmount,
    category_for_service,
    tax_label,
    taxes_for_line,
    total_tax,
)
from practica.tenancy.models import Location

HUNDRED = Decimal("100.00")
GST = TaxAmount("GST", Decimal("0.05"), Decimal("5.00"))


def _hst(rate: str, amount: str) -> TaxAmount:
    return TaxAmount("HST", Decimal(rate), Decimal(amount))


# What 100.00 of each category pays in each region.
FEDERAL: dict[str, tuple[TaxAmount, ...]] = {
    "CA-AB": (GST,),
    "CA-BC": (GST,),
    "CA-MB": (GST,),
    "CA-NB": (_hst("0.15", "15.00"),),
    "CA-NL": (_hst("0.15", "15.00"),),
    "CA-NS": (_hst("0.14", "14.00"),),
    "CA-NT": (GST,),
    "CA-NU": (GST,),
    "CA-ON": (_hst("0.13", "13.00"),),
    "CA-PE": (_hst("0.15", "15.00"),),
    "CA-QC": (GST,),
    "CA-SK": (GST,),
    "CA-YT": (GST,),
    "US": (),
}
QST = TaxAmount("QST", Decimal("0.09975"), Decimal("9.98"))
PROVINCIAL_ON_GOODS: dict[str, tuple[TaxAmount, ...]] = {
    "CA-BC": (TaxAmount("PST", Decimal("0.07"), Decimal("7.00")),),
    "CA-MB": (TaxAmount("RST", Decimal("0.07"), Decimal("7.00")),),
    "CA-SK": (TaxAmount("PST", Decimal("0.06"), Decimal("6.00")),),
    "CA-QC": (QST,),
}
PROVINCIAL_ON_SERVICES: dict[str, tuple[TaxAmount, ...]] = {"CA-QC": (QST,)}

REGIONS = [code for code, _label in Location.TAX_REGIONS]

TABLE = [
    *[(r, TaxCategory.HEALTH_SERVICE, ()) for r in REGIONS],
    *[(r, TaxCategory.ZERO_RATED, ()) for r in REGIONS],
    *[(r, TaxCategory.NOT_TAXABLE, ()) for r in REGIONS],
    *[
        (r, TaxCategory.TAXABLE_SERVICE, FEDERAL[r] + PROVINCIAL_ON_SERVICES.get(r, ()))
        for r in REGIONS
    ],
    *[
        (r, TaxCategory.GOODS, FEDERAL[r] + PROVINCIAL_ON_GOODS.get(r, ()))
        for r in REGIONS
    ],
]


def test_every_province_and_territory_and_the_us_is_a_region() -> None:
    assert REGIONS == [
        "CA-AB",
        "CA-BC",
        "CA-MB",
        "CA-NB",
        "CA-NL",
        "CA-NS",
        "CA-NT",
        "CA-NU",
        "CA-ON",
        "CA-PE",
        "CA-QC",
        "CA-SK",
        "CA-YT",
        "US",
    ]


@pytest.mark.parametrize(("region", "category", "expected"), TABLE)
def test_region_and_category_give_the_taxes(
    region: str, category: str, expected: tuple[TaxAmount, ...]
) -> None:
    # given 100.00 of an item of the category, sold at a location of the region
    # when its taxes are computed
    taxes = taxes_for_line(tax_region=region, amount=HUNDRED, tax_category=category)
    # then each component is at the region's 2026 rate, to the cent
    assert taxes == expected


@pytest.mark.parametrize(
    ("amount", "region", "category", "expected"),
    [
        # 13% of 0.50 = 0.065 -> 0.07 (half up, not banker's 0.06)
        (Decimal("0.50"), "CA-ON", TaxCategory.GOODS, ("0.07",)),
        # GST 4.25; QST 9.975% of 85.00 = 8.47875 -> 8.48
        (Decimal("85.00"), "CA-QC", TaxCategory.TAXABLE_SERVICE, ("4.25", "8.48")),
        # GST 44.95*0.05=2.2475 -> 2.25; PST 3.1465 -> 3.15
        (Decimal("44.95"), "CA-BC", TaxCategory.GOODS, ("2.25", "3.15")),
        # SK: GST 9.99*0.05=0.4995 -> 0.50; PST 0.5994 -> 0.60
        (Decimal("9.99"), "CA-SK", TaxCategory.GOODS, ("0.50", "0.60")),
        # MB: GST 1.0495 -> 1.05, RST 7% 1.4693 -> 1.47
        (Decimal("20.99"), "CA-MB", TaxCategory.GOODS, ("1.05", "1.47")),
        # NS 14% of 12.25 = 1.715 -> 1.72
        (Decimal("12.25"), "CA-NS", TaxCategory.TAXABLE_SERVICE, ("1.72",)),
        # PE 15% of 0.10 = 0.015 -> 0.02
        (Decimal("0.10"), "CA-PE", TaxCategory.GOODS, ("0.02",)),
    ],
)
def test_each_component_rounds_half_up_to_the_cent(
    amount: Decimal, region: str, category: str, expected: tuple[str, ...]
) -> None:
    taxes = taxes_for_line(tax_region=region, amount=amount, tax_category=category)
    assert tuple(str(t.amount) for t in taxes) == expected
    assert total_tax(taxes) == sum((Decimal(e) for e in expected), Decimal("0"))


@pytest.mark.parametrize(
    ("is_taxable", "category"),
    [(True, TaxCategory.TAXABLE_SERVICE), (False, TaxCategory.HEALTH_SERVICE)],
)
def test_old_taxable_flag_means_a_taxable_or_exempt_service(
    is_taxable: bool, category: str
) -> None:
    assert category_for_service(is_taxable=is_taxable) == category
    assert taxes_for_line(
        tax_region="CA-BC", amount=HUNDRED, is_taxable=is_taxable
    ) == taxes_for_line(tax_region="CA-BC", amount=HUNDRED, tax_category=category)


def test_labels_name_every_component() -> None:
    goods = taxes_for_line(
        tax_region="CA-QC", amount=HUNDRED, tax_category=TaxCategory.GOODS
    )
    exempt = taxes_for_line(
        tax_region="CA-QC", amount=HUNDRED, tax_category=TaxCategory.HEALTH_SERVICE
    )
    assert (tax_label(goods), tax_label(exempt)) == ("GST+QST", "")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tax_region": "CA-XX", "tax_category": "goods"}, "Unknown tax region"),
        ({"tax_region": "CA-ON", "tax_category": "luxury"}, "Unknown tax category"),
        ({"tax_region": "CA-ON"}, "Give the line's tax category"),
        (
            {"tax_region": "CA-ON", "tax_category": "goods", "is_taxable": True},
            "not both",
        ),
    ],
)
def test_unknown_or_missing_inputs_are_refused_not_untaxed(
    kwargs: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        taxes_for_line(amount=HUNDRED, **kwargs)  # type: ignore[arg-type]
