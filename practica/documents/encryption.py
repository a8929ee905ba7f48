"""AES-256-GCM for documents at rest, with keys from the environment.

`settings.DOCUMENT_KEYS` (env `PRACTICA_DOCUMENT_KEYS`) is a comma-separated
list of `keyid:base64key` entries, each key 32 random bytes; the first is the
active key, used for every new encryption. A document stores the id of the key
that sealed it, so decryption picks that key: rotation is "put a new key
first, run `manage.py rotate_document_keys`, then drop the old key".

The associated data binds a ciphertext to its document id and clinic, so a
blob copied onto another row (or another clinic's row) fails to decrypt.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import uuid
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from practica.documents.errors import DocumentUnreadableError

KEY_BYTES = 32
NONCE_BYTES = 12  # the size GCM is designed for; random per encryption
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


@dataclass(frozen=True)
class KeyRing:
    active_id: str
    keys: dict[str, bytes]


@dataclass(frozen=True)
class Sealed:
    key_id: str
    nonce: bytes
    ciphertext: bytes


def parse_keys(raw: str) -> KeyRing:
    """Parse `keyid:base64key,...`. Errors name the entry's position and key
    id, never the key material."""
    keys: dict[str, bytes] = {}
    order: list[str] = []
    entries = [e.strip() for e in raw.split(",") if e.strip()]
    if not entries:
        raise ImproperlyConfigured("PRACTICA_DOCUMENT_KEYS holds no key.")
    for position, entry in enumerate(entries, start=1):
        key_id, sep, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not sep or not _KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                f"PRACTICA_DOCUMENT_KEYS entry {position} must be keyid:base64key "
                "(key id of letters, digits, - or _, at most 32)."
            )
        if key_id in keys:
            raise ImproperlyConfigured(
                f"PRACTICA_DOCUMENT_KEYS names key {key_id} twice."
            )
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != KEY_BYTES:
            raise ImproperlyConfigured(
                f"PRACTICA_DOCUMENT_KEYS key {key_id} must be {KEY_BYTES} bytes "
                "in base64."
            )
        keys[key_id] = key
        order.append(key_id)
    return KeyRing(active_id=order[0], keys=keys)


def keyring() -> KeyRing:
    """The keys of the current settings (parsed per call: cheap, and tests can
    change the setting)."""
    return parse_keys(str(settings.DOCUMENT_KEYS))


def associated_data(*, document_id: uuid.UUID, clinic_id: int) -> bytes:
    return f"practica-document:v1:{clinic_id}:{document_id}".encode()


def encrypt(plaintext: bytes, *, document_id: uuid.UUID, clinic_id: int) -> Sealed:
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    aad = associated_data(document_id=document_id, clinic_id=clinic_id)
    ciphertext = AESGCM(ring.keys[ring.active_id]).encrypt(nonce, plaintext, aad)
    return Sealed(key_id=ring.active_id, nonce=nonce, ciphertext=ciphertext)


def decrypt(sealed: Sealed, *, document_id: uuid.UUID, clinic_id: int) -> bytes:
    """The plaintext, or DocumentUnreadableError when the key is unknown or
    the ciphertext, nonce or binding fails the GCM tag."""
    key = keyring().keys.get(sealed.key_id)
    if key is None:
        raise DocumentUnreadableError(
            f"Key {sealed.key_id} is not configured in PRACTICA_DOCUMENT_KEYS."
        )
    aad = associated_data(document_id=document_id, clinic_id=clinic_id)
    try:
        return AESGCM(key).decrypt(sealed.nonce, sealed.ciphertext, aad)
    except (InvalidTag, ValueError) as exc:
        raise DocumentUnreadableError(
            "The stored document fails its integrity check."
        ) from exc
