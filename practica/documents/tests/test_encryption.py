from __future__ import annotations

import base64
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from practica.documents.encryption import (
    Sealed,
    associated_data,
    decrypt,
    encrypt,
    parse_keys,
)
from practica.documents.errors import DocumentUnreadableError

KEY_A = base64.b64encode(b"a" * 32).decode()
KEY_B = base64.b64encode(b"b" * 32).decode()


def test_the_first_key_is_active_and_every_key_is_kept() -> None:
    # when
    ring = parse_keys(f"new:{KEY_B}, old:{KEY_A}")
    # then
    assert ring.active_id == "new"
    assert ring.keys == {"new": b"b" * 32, "old": b"a" * 32}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "PRACTICA_DOCUMENT_KEYS holds no key."),
        (KEY_A, "PRACTICA_DOCUMENT_KEYS entry 1 must be keyid:base64key"),
        (f"bad id:{KEY_A}", "PRACTICA_DOCUMENT_KEYS entry 1 must be keyid:base64key"),
        ("k1:c2hvcnQ=", "PRACTICA_DOCUMENT_KEYS key k1 must be 32 bytes in base64."),
        ("k1:not base64!", "PRACTICA_DOCUMENT_KEYS key k1 must be 32 bytes in base64."),
        (f"k1:{KEY_A},k1:{KEY_B}", "PRACTICA_DOCUMENT_KEYS names key k1 twice."),
    ],
)
def test_malformed_keys_are_refused_without_showing_them(
    raw: str, message: str
) -> None:
    # when / then
    with pytest.raises(ImproperlyConfigured) as caught:
        parse_keys(raw)
    assert str(caught.value).startswith(message)
    assert KEY_A not in str(caught.value)


def test_associated_data_names_clinic_and_document() -> None:
    document_id = uuid.UUID("00000000-0000-0000-0000-000000000001")
    assert associated_data(document_id=document_id, clinic_id=7) == (
        b"practica-document:v1:7:00000000-0000-0000-0000-000000000001"
    )


@override_settings(DOCUMENT_KEYS=f"k2:{KEY_B},k1:{KEY_A}")
def test_round_trip_uses_the_active_key_and_a_fresh_nonce() -> None:
    # given
    document_id = uuid.uuid4()
    # when
    first = encrypt(b"plain bytes", document_id=document_id, clinic_id=1)
    second = encrypt(b"plain bytes", document_id=document_id, clinic_id=1)
    # then
    assert first.key_id == "k2"
    assert len(first.nonce) == 12
    assert first.nonce != second.nonce
    assert b"plain bytes" not in first.ciphertext
    assert decrypt(first, document_id=document_id, clinic_id=1) == b"plain bytes"


@pytest.mark.parametrize(
    ("other_document", "other_clinic"), [(True, False), (False, True)]
)
def test_a_blob_bound_elsewhere_fails_to_decrypt(
    other_document: bool, other_clinic: bool
) -> None:
    # given a blob sealed for document d in clinic 1
    document_id = uuid.uuid4()
    sealed = encrypt(b"secret", document_id=document_id, clinic_id=1)
    # when read as another document or in another clinic
    with pytest.raises(DocumentUnreadableError) as caught:
        decrypt(
            sealed,
            document_id=uuid.uuid4() if other_document else document_id,
            clinic_id=2 if other_clinic else 1,
        )
    # then
    assert str(caught.value) == "The stored document fails its integrity check."


def test_a_flipped_bit_fails_to_decrypt() -> None:
    document_id = uuid.uuid4()
    sealed = encrypt(b"secret", document_id=document_id, clinic_id=1)
    flipped = bytes([sealed.ciphertext[0] ^ 1]) + sealed.ciphertext[1:]
    with pytest.raises(DocumentUnreadableError):
        decrypt(
            Sealed(sealed.key_id, sealed.nonce, flipped),
            document_id=document_id,
            clinic_id=1,
        )


def test_an_unknown_key_id_is_named() -> None:
    document_id = uuid.uuid4()
    sealed = encrypt(b"secret", document_id=document_id, clinic_id=1)
    with pytest.raises(DocumentUnreadableError) as caught:
        decrypt(
            Sealed("gone", sealed.nonce, sealed.ciphertext),
            document_id=document_id,
            clinic_id=1,
        )
    assert str(caught.value) == "Key gone is not configured in PRACTICA_DOCUMENT_KEYS."
