"""Access checks, in one place.

`clinic_view(permission)` wraps every staff view: it requires a logged-in member
of a clinic holding `permission` (403 and an audit entry otherwise) and records
the declaration on the view, so the URL-enumeration tests can prove every view
declared one. `scoped_get_or_404` is the one way to fetch an object by an id from
a request: it filters by the actor's clinic and audits a miss before the 404.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from practica.audit.services import record_denied
from practica.tenancy.actor import Actor

ViewFunc = Callable[..., HttpResponseBase]
M = TypeVar("M", bound=Model)

PUBLIC = "public"
ANY_MEMBER = "member"


def clinic_view(permission: str) -> Callable[[ViewFunc], ViewFunc]:
    """Require a clinic member holding `permission` (or ANY_MEMBER)."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @functools.wraps(view)
        def wrapper(
            request: HttpRequest, *args: Any, **kwargs: Any
        ) -> HttpResponseBase:
            if not request.user.is_authenticated:
                if getattr(request, "htmx", False):
                    response = HttpResponse(status=401)
                    response["HX-Redirect"] = "/accounts/login/"
                    return response
                return redirect(f"/accounts/login/?next={request.path}")
            actor: Actor | None = getattr(request, "actor", None)
            if actor is None:
                return render(request, "403.html", status=403)
            if permission != ANY_MEMBER and not actor.can(permission):
                record_denied(
                    actor=actor,
                    object_type="view",
                    object_id=request.resolver_match.view_name
                    if request.resolver_match
                    else "",
                    detail=f"missing {permission}",
                )
                return render(request, "403.html", status=403)
            return view(request, *args, **kwargs)

        wrapper.access_permission = permission  # type: ignore[attr-defined]  # read by the URL-access tests
        return wrapper

    return decorator


def public_view(view: ViewFunc) -> ViewFunc:
    """Mark a view as reachable without a clinic membership (log-in pages)."""
    view.access_permission = PUBLIC  # type: ignore[attr-defined]  # read by the URL-access tests
    return view


def scoped_get_or_404(actor: Actor, queryset: QuerySet[M], **lookup: Any) -> M:
    """Fetch one object of the actor's clinic; a miss is audited, then 404."""
    obj = queryset.filter(clinic=actor.clinic, **lookup).first()
    if obj is None:
        record_denied(
            actor=actor,
            object_type=queryset.model._meta.label_lower,
            object_id=str(next(iter(lookup.values()), ""))[:64],
            detail="not found in clinic",
        )
        raise Http404("Not found.")
    return obj


def get_actor(request: HttpRequest) -> Actor:
    """The acting member of a request that passed `clinic_view`."""
    actor: Actor | None = getattr(request, "actor", None)
    if actor is None:
        raise PermissionError("No clinic member on this request.")
    return actor
