"""Private calendar feeds: create (replacing the active one) and revoke."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from practica.audit.services import record_change
from practica.scheduling.errors import (
    FeedPermissionError,
)
from practica.scheduling.models import (
    CalendarFeed,
    Provider,
)
from practica.scheduling.services.rules import (
    check_same_clinic,
)
from practica.tenancy.actor import Actor
from practica.tenancy.permissions import CLINIC_MANAGE

logger = logging.getLogger(__name__)

# --- calendar feeds -------------------------------------------------------------


def _check_may_manage_feed(actor: Actor, provider: Provider) -> None:
    check_same_clinic(actor, provider)
    is_self = (
        actor.membership is not None and actor.membership.pk == provider.membership_id
    )
    if not (is_self or actor.can(CLINIC_MANAGE)):
        raise FeedPermissionError(
            "Only the provider or a clinic manager can manage a calendar feed."
        )


def create_feed(*, actor: Actor, provider: Provider) -> CalendarFeed:
    """A new private feed for `provider`; the previous active one stops working."""
    _check_may_manage_feed(actor, provider)
    with transaction.atomic():
        now = timezone.now()
        previous = list(
            CalendarFeed.objects.select_for_update().filter(
                clinic=actor.clinic, provider=provider, revoked_at__isnull=True
            )
        )
        for old in previous:
            old.revoked_at = now
            old.save(update_fields=["revoked_at", "updated_at"])
            record_change(
                actor=actor,
                action="revoke",
                obj=old,
                patient_id=None,
                detail="replaced",
            )
        feed = CalendarFeed.objects.create(clinic=actor.clinic, provider=provider)
        record_change(
            actor=actor,
            action="create",
            obj=feed,
            patient_id=None,
            detail=f"provider={provider.pk}",
        )
    logger.info("calendar_feed.created", extra={"feed_id": feed.pk})
    return feed


def revoke_feed(*, actor: Actor, feed: CalendarFeed) -> CalendarFeed:
    """Stop a feed working; revoking a revoked feed changes nothing."""
    check_same_clinic(actor, feed)
    _check_may_manage_feed(actor, feed.provider)
    if feed.revoked_at is not None:
        return feed
    with transaction.atomic():
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at", "updated_at"])
        record_change(actor=actor, action="revoke", obj=feed, patient_id=None)
    logger.info("calendar_feed.revoked", extra={"feed_id": feed.pk})
    return feed
