"""Factories for clinics, locations and staff; shared by every app's tests."""

from __future__ import annotations

from collections.abc import Sequence

import factory

from practica.accounts.models import User
from practica.tenancy.actor import Actor
from practica.tenancy.models import Clinic, Location, Membership
from practica.tenancy.permissions import ALL_PERMISSIONS
from practica.tenancy.services import add_member, create_clinic

TEST_PASSWORD = "synthetic-pass-1234"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Staff Member {n}")

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save(update_fields=["password"])


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Location {n}")
    street = "100 Queen St W"
    city = "Toronto"
    region = "ON"
    postal_code = "M5H 2N2"
    timezone = "America/Toronto"
    tax_region = "CA-ON"


_clinic_counter = iter(range(1, 1_000_000))


def make_clinic(name: str | None = None) -> Clinic:
    n = next(_clinic_counter)
    clinic = create_clinic(name=name or f"Clinic {n}", slug=f"clinic-{n}")
    LocationFactory(clinic=clinic, name="Main")
    return clinic


def make_member(
    clinic: Clinic, role_keys: Sequence[str], **user_fields: str
) -> Membership:
    user = UserFactory(**user_fields)
    return add_member(clinic=clinic, user=user, role_keys=role_keys)


def actor_for(membership: Membership) -> Actor:
    roles = list(membership.roles.all())
    return Actor(
        clinic=membership.clinic,
        user=membership.user,
        membership=membership,
        permissions=membership.permission_set(roles),
        role_keys=frozenset(r.key for r in roles),
        ip="127.0.0.1",
        user_agent="pytest",
    )


def system_actor_for(clinic: Clinic) -> Actor:
    """The system acting in `clinic` with every permission."""
    return Actor.system(clinic, frozenset(ALL_PERMISSIONS))
