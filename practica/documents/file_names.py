"""Safe file names: what we store from an upload and what we send back."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

from practica.documents.file_types import EXTENSIONS

MAX_NAME = 255
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"\\/:*?<>|;]+")
_SPACES = re.compile(r"\s+")


def clean_name(raw: str) -> str:
    """The last path part of an uploaded name, without control or reserved
    characters; 'document' when nothing is left."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").split("/")[-1]
    name = _SPACES.sub(" ", _UNSAFE.sub("_", name)).strip(" ._")
    return name[-MAX_NAME:] or "document"


def download_name(original_name: str, content_type: str) -> str:
    """The stored name with the extension of the sniffed type, so a PNG sent
    as report.pdf comes back as report.png."""
    stem = PurePosixPath(clean_name(original_name)).stem or "document"
    return stem[: MAX_NAME - 5] + EXTENSIONS.get(content_type, "")
