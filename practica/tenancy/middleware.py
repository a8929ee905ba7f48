"""Attach the acting clinic member to each request, enforce idle log-off and
a clinic's MFA requirement."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from practica.tenancy.actor import Actor
from practica.tenancy.selectors import get_active_membership

ACTIVITY_KEY = "practica.last_activity"
# The activity stamp is rewritten only once it is this many seconds old: a new
# stamp on every page cost a session write (three queries) per request. The
# stored stamp is then at most this much behind the last page seen, so idle
# log-off comes at most this much before the clinic's limit, never after it.
ACTIVITY_STAMP_SECONDS = 30
EXEMPT_PREFIXES = ("/accounts/", "/static/")


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


class ClinicMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = None  # type: ignore[attr-defined]  # set for every request
        user = request.user
        if user.is_authenticated:
            membership = get_active_membership(
                user=user, clinic_id=request.session.get("clinic_id")
            )
            if membership is not None:
                clinic = membership.clinic
                now = time.time()
                last = request.session.get(ACTIVITY_KEY)
                if last is not None and now - last > clinic.idle_timeout_minutes * 60:
                    logout(request)
                    return redirect("/accounts/login/?idle=1")
                # Background polling must not keep a session alive.
                if request.headers.get("X-Practica-Poll") != "1" and (
                    last is None or now - last > ACTIVITY_STAMP_SECONDS
                ):
                    request.session[ACTIVITY_KEY] = now
                roles = list(membership.roles.all())
                request.actor = Actor(  # type: ignore[attr-defined]
                    clinic=clinic,
                    user=user,
                    membership=membership,
                    permissions=membership.permission_set(roles),
                    role_keys=frozenset(r.key for r in roles),
                    ip=client_ip(request),
                    user_agent=request.headers.get("User-Agent", "")[:300],
                )
                if (
                    clinic.is_mfa_required
                    and not getattr(user, "is_verified", lambda: False)()
                    and not request.path.startswith(EXEMPT_PREFIXES)
                ):
                    return redirect("accounts:mfa-setup")
        return self.get_response(request)
