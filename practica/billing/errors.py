"""Domain errors of billing. Messages are shown to staff as they are: they name
the field at fault where there is one, and never carry patient details."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from practica.billing.code_files import FileProblem


class BillingError(Exception):
    """A billing rule refused the request; nothing was changed."""

    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field


class InvoiceNotAllowedError(BillingError):
    """The appointment or note cannot be invoiced (cancelled, unsigned, ...)."""


class InvalidPaymentError(BillingError):
    """The payment's method, amount or date is not acceptable."""


class OverpaymentError(InvalidPaymentError):
    """The payment is larger than what is still owed on the invoice."""


class InvoiceVoidError(BillingError):
    """The invoice is void, or cannot be voided."""


class FeeWaiverError(BillingError):
    """A fee was waived without saying why."""

    field = "waive_reason"


class CodeListPermissionError(BillingError):
    """The member may not load the clinic's procedure code list."""


class CodeFileError(BillingError):
    """The code file was refused; each problem names its row and column."""

    field = "file"

    def __init__(self, problems: Sequence[FileProblem]) -> None:
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"Nothing was loaded: the file has {count} {noun}.")
        self.problems = list(problems)


class RefundError(BillingError):
    """The refund is larger than what the payment has left, or malformed."""


class CreditNoteError(BillingError):
    """The credit note asks for more than the invoice can still be credited."""
