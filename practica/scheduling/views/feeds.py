"""Private calendar feeds: the .ics address and the page that manages it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from practica.scheduling.errors import (
    FeedPermissionError,
)
from practica.scheduling.ical import feed_to_ical
from practica.scheduling.selectors import (
    feed_events,
    get_active_feed,
    get_feed_for_change,
    get_own_provider,
    get_provider_for_feed,
)
from practica.scheduling.selectors.feeds import list_provider_feeds
from practica.scheduling.services import (
    create_feed,
    revoke_feed,
)
from practica.tenancy.access import clinic_view, get_actor, public_view
from practica.tenancy.permissions import CLINIC_MANAGE, SCHEDULE_VIEW


@public_view
@require_GET
def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The provider's private iCalendar feed; the token in the address is the
    only credential (calendar apps cannot log in)."""
    calendar = feed_events(
        token=token,
        ip=request.META.get("REMOTE_ADDR", ""),
        user_agent=request.headers.get("User-Agent", ""),
    )
    response = HttpResponse(
        feed_to_ical(calendar), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@clinic_view(SCHEDULE_VIEW)
def feed_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    provider = get_own_provider(actor=actor)
    feed = get_active_feed(actor=actor, provider=provider) if provider else None
    feed_url = (
        request.build_absolute_uri(reverse("scheduling:feed-ics", args=[feed.token]))
        if feed
        else ""
    )
    others = list_provider_feeds(actor=actor) if actor.can(CLINIC_MANAGE) else []
    return render(
        request,
        "scheduling/feed_list.html",
        {
            "provider": provider,
            "feed": feed,
            "feed_url": feed_url,
            "provider_feeds": others,
        },
    )


@require_POST
@clinic_view(SCHEDULE_VIEW)
def feed_create(request: HttpRequest) -> HttpResponse:
    """Create (or replace) a feed: one's own, or, for a clinic manager, the
    provider named in the form."""
    actor = get_actor(request)
    raw = request.POST.get("provider", "")
    provider = (
        get_provider_for_feed(actor=actor, provider_id=int(raw))
        if raw.isdigit()
        else get_own_provider(actor=actor)
    )
    if provider is None:
        messages.error(request, "Only providers have a calendar feed.")
        return redirect("scheduling:feed-list")
    try:
        create_feed(actor=actor, provider=provider)
    except FeedPermissionError as error:
        messages.error(request, error.message)
        return redirect("scheduling:feed-list")
    messages.success(
        request, "New calendar feed created; any previous address stopped working."
    )
    return redirect("scheduling:feed-list")


@require_POST
@clinic_view(SCHEDULE_VIEW)
def feed_revoke(request: HttpRequest, feed_id: int) -> HttpResponse:
    actor = get_actor(request)
    feed = get_feed_for_change(actor=actor, feed_id=feed_id)
    try:
        revoke_feed(actor=actor, feed=feed)
    except FeedPermissionError as error:
        messages.error(request, error.message)
        return redirect("scheduling:feed-list")
    messages.success(request, "Calendar feed revoked; its address no longer works.")
    return redirect("scheduling:feed-list")
