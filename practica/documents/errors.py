"""Domain errors of the documents app. Messages name the file (as uploaded)
or the field, never anything read from a document's content."""

from __future__ import annotations


class DocumentError(Exception):
    """Base class for document rule violations."""


class DocumentRefusedError(DocumentError):
    """An upload was refused: wrong type, too large, corrupt or unreadable."""

    def __init__(self, file_name: str, reason: str) -> None:
        self.file_name = file_name
        self.reason = reason
        super().__init__(f"{file_name}: {reason}")


class DocumentUnreadableError(DocumentError):
    """The stored ciphertext fails its integrity check or its key is unknown:
    the document was altered, swapped or its key is missing."""


class DocumentAlreadyInErrorError(DocumentError):
    def __init__(self) -> None:
        super().__init__("This document is already marked entered in error.")


class InvalidReasonError(DocumentError):
    """The entered-in-error reason is empty or too long."""
