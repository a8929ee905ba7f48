from __future__ import annotations

from typing import TYPE_CHECKING, Any

from practica.tenancy.models import Location, Membership

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from practica.tenancy.actor import Actor


def get_active_membership(*, user: Any, clinic_id: int | None) -> Membership | None:
    memberships = (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("clinic")
        .prefetch_related("roles")
    )
    if clinic_id is not None:
        chosen = memberships.filter(clinic_id=clinic_id).first()
        if chosen is not None:
            return chosen
    return memberships.order_by("clinic__name").first()


def list_locations(*, actor: Actor) -> QuerySet[Location]:
    return Location.objects.for_clinic(actor.clinic).order_by("name")


def list_members(*, actor: Actor) -> QuerySet[Membership]:
    return (
        Membership.objects.for_clinic(actor.clinic)
        .select_related("user")
        .prefetch_related("roles")
        .order_by("user__full_name")
    )
