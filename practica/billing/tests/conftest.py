"""Billing test fixtures: the local Stripe fake (see stripe_fake.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings

from practica.billing.tests.stripe_fake import (
    TEST_SECRET_KEY,
    TEST_WEBHOOK_SECRET,
    StripeFake,
)


@pytest.fixture
def stripe_api() -> Iterator[StripeFake]:
    """A fresh Stripe fake on loopback, with settings pointing at it."""
    fake = StripeFake().start()
    with override_settings(
        STRIPE_SECRET_KEY=TEST_SECRET_KEY,
        STRIPE_WEBHOOK_SECRET=TEST_WEBHOOK_SECRET,
        STRIPE_API_BASE=fake.url,
    ):
        yield fake
    fake.stop()
