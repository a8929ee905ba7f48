"""The demo clinic shows each provider's private calendar feed."""

from __future__ import annotations

import pytest

from practica.demo.generator import ClinicSpec, generate_clinic
from practica.scheduling.models import CalendarFeed, Provider

pytestmark = pytest.mark.django_db


def test_every_demo_provider_has_an_active_feed() -> None:
    spec = ClinicSpec(
        name="Feed Demo",
        slug="feed-demo",
        email_domain="feed.example",
        patients=5,
        providers=3,
        days_back=2,
        days_ahead=2,
    )
    generate_clinic(spec)
    providers = set(Provider.objects.values_list("pk", flat=True))
    feeds = CalendarFeed.objects.filter(revoked_at__isnull=True)
    assert set(feeds.values_list("provider_id", flat=True)) == providers
    assert len({f.token for f in feeds}) == 3
