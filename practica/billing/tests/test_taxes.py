from decimal import Decimal

import pytest

from practica.billing.taxes import TaxAmount, tax_label, taxes_for_line, total_tax


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("CA-ON", (TaxAmount("HST", Decimal("0.13"), Decimal("13.00")),)),
        ("CA-NS", (TaxAmount("HST", Decimal("0.14"), Decimal("14.00")),)),
        # a taxable service pays no BC PST (goods do: test_invoicing_taxes)
        ("CA-BC", (TaxAmount("GST", Decimal("0.05"), Decimal("5.00")),)),
        ("CA-AB", (TaxAmount("GST", Decimal("0.05"), Decimal("5.00")),)),
        (
            "CA-QC",
            (
                TaxAmount("GST", Decimal("0.05"), Decimal("5.00")),
                TaxAmount("QST", Decimal("0.09975"), Decimal("9.98")),
            ),
        ),
        ("US", ()),
    ],
)
def test_taxable_line_gets_the_region_taxes(
    region: str, expected: tuple[TaxAmount, ...]
) -> None:
    # given a taxable item of 100.00
    # when taxes are computed for the region
    taxes = taxes_for_line(tax_region=region, amount=Decimal("100.00"), is_taxable=True)
    # then each component is at the region's rate, rounded to the cent
    assert taxes == expected


@pytest.mark.parametrize("region", ["CA-ON", "CA-NS", "CA-BC", "CA-AB", "CA-QC", "US"])
def test_exempt_health_service_has_no_tax(region: str) -> None:
    taxes = taxes_for_line(
        tax_region=region, amount=Decimal("100.00"), is_taxable=False
    )
    assert taxes == ()
    assert total_tax(taxes) == Decimal("0.00")
    assert tax_label(taxes) == ""


@pytest.mark.parametrize(
    ("amount", "region", "expected_total"),
    [
        # 13% of 0.50 = 0.065 -> 0.07 (half up, not banker's 0.06)
        (Decimal("0.50"), "CA-ON", Decimal("0.07")),
        # QST 9.975% of 85.00 = 8.47875 -> 8.48; GST 4.25
        (Decimal("85.00"), "CA-QC", Decimal("12.73")),
        # BC service: GST 2.25 (44.95*0.05=2.2475 -> 2.25), no PST
        (Decimal("44.95"), "CA-BC", Decimal("2.25")),
    ],
)
def test_each_component_rounds_half_up_to_the_cent(
    amount: Decimal, region: str, expected_total: Decimal
) -> None:
    taxes = taxes_for_line(tax_region=region, amount=amount, is_taxable=True)
    assert total_tax(taxes) == expected_total


def test_two_component_label_names_both() -> None:
    taxes = taxes_for_line(tax_region="CA-QC", amount=Decimal("10"), is_taxable=True)
    assert tax_label(taxes) == "GST+QST"


def test_unknown_region_is_refused_not_untaxed() -> None:
    with pytest.raises(ValueError, match="Unknown tax region"):
        taxes_for_line(tax_region="CA-XX", amount=Decimal("10"), is_taxable=True)
