"""Phone numbers: parse what people type, store E.164 (+14165550123)."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "CA"


class InvalidPhoneNumberError(ValueError):
    """The text is not a valid phone number."""


def to_e164(raw: str, *, region: str = DEFAULT_REGION) -> str:
    """Parse `raw` (e.g. "416-555-0123") into E.164; raise if not valid."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumberError("not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumberError("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_e164(value: str) -> bool:
    """True when `value` is already a valid number in E.164 form."""
    if not value.startswith("+"):
        return False
    try:
        return to_e164(value) == value
    except InvalidPhoneNumberError:
        return False


def display(value: str) -> str:
    """Human format for a stored E.164 number (national in North America)."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return value
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)
