"""Drawn signatures: a PNG from the signature pad, checked before it is kept.

The pad posts a data URL ("data:image/png;base64,..."). It is refused unless
it decodes to a real PNG (signature bytes, a valid image Pillow can read),
within the size and dimension caps, with something drawn on it.
"""

from __future__ import annotations

import base64
import binascii
import io

from PIL import Image, UnidentifiedImageError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_SIGNATURE_BYTES = 300 * 1024
MAX_WIDTH = 3000
MAX_HEIGHT = 1500
DATA_URL_PREFIX = "data:image/png;base64,"


class SignatureRefusedError(ValueError):
    """The posted signature is missing or not an acceptable PNG; the message
    says why, naming the field."""


def decode_data_url(data_url: str) -> bytes:
    """The PNG bytes of a posted data URL; empty bytes when nothing was sent."""
    text = data_url.strip()
    if not text:
        return b""
    if not text.startswith(DATA_URL_PREFIX):
        raise SignatureRefusedError("Signature: the drawing must be sent as a PNG.")
    encoded = text[len(DATA_URL_PREFIX) :]
    # Refused before decoding: base64 is 4/3 of the bytes.
    if len(encoded) > (MAX_SIGNATURE_BYTES * 4) // 3 + 4:
        raise SignatureRefusedError(_too_large())
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureRefusedError(
            "Signature: the drawing could not be read."
        ) from exc


def _too_large() -> str:
    return f"Signature: the image is larger than {MAX_SIGNATURE_BYTES // 1024} KB."


def validate_signature_png(data: bytes) -> bytes:
    """`data` if it is a real, non-blank PNG within the caps; raises
    SignatureRefusedError otherwise."""
    if not data:
        raise SignatureRefusedError("Signature: please sign in the box.")
    if len(data) > MAX_SIGNATURE_BYTES:
        raise SignatureRefusedError(_too_large())
    if not data.startswith(PNG_MAGIC):
        raise SignatureRefusedError("Signature: the image is not a PNG.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise SignatureRefusedError("Signature: the image is not a PNG.")
            width, height = image.size
            if width > MAX_WIDTH or height > MAX_HEIGHT:
                raise SignatureRefusedError(
                    f"Signature: the image is larger than {MAX_WIDTH} x "
                    f"{MAX_HEIGHT} pixels."
                )
            image.load()
            drawn = _has_ink(image)
    except SignatureRefusedError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise SignatureRefusedError(
            "Signature: the image is damaged or not a PNG."
        ) from exc
    if not drawn:
        raise SignatureRefusedError("Signature: please sign in the box.")
    return data


def _has_ink(image: Image.Image) -> bool:
    """Whether anything is drawn: a visible pixel on a transparent pad, or a
    dark one on an opaque background."""
    rgba = image.convert("RGBA")
    alpha = rgba.getchannel("A")
    see_through = alpha.point(lambda level: 255 if level < 255 else 0)
    if see_through.getbbox() is not None:  # a transparent background
        return alpha.getbbox() is not None
    dark = rgba.convert("L").point(lambda level: 255 if level < 128 else 0)
    return dark.getbbox() is not None
