"""Money is Decimal in the clinic's currency, never float."""

from decimal import ROUND_HALF_UP, Decimal

CURRENCY_PLACES = {"CAD": 2, "USD": 2}
ZERO = Decimal("0.00")


def quantize(amount: Decimal, currency: str = "CAD") -> Decimal:
    places = CURRENCY_PLACES.get(currency, 2)
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def has_valid_places(amount: Decimal, currency: str = "CAD") -> bool:
    """True when the amount carries no more decimals than the currency has."""
    exponent = amount.as_tuple().exponent
    return isinstance(exponent, int) and -exponent <= CURRENCY_PLACES.get(currency, 2)


def format_money(amount: Decimal, currency: str = "CAD") -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(quantize(amount, currency)):,.2f}"
