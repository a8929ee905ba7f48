from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from practica.audit.services import record_change
from practica.tenancy.models import Clinic, Membership, Role
from practica.tenancy.permissions import DEFAULT_ROLE_PERMISSIONS, ROLE_NAMES

if TYPE_CHECKING:
    from practica.accounts.models import User
    from practica.tenancy.actor import Actor


def create_clinic(*, name: str, slug: str, currency: str = "CAD") -> Clinic:
    """A new clinic with the default roles."""
    with transaction.atomic():
        clinic = Clinic.objects.create(name=name, slug=slug, currency=currency)
        for key, permissions in DEFAULT_ROLE_PERMISSIONS.items():
            Role.objects.create(
                clinic=clinic,
                key=key,
                name=ROLE_NAMES[key],
                permissions=list(permissions),
            )
    return clinic


def add_member(
    *, clinic: Clinic, user: User, role_keys: Sequence[str], title: str = ""
) -> Membership:
    with transaction.atomic():
        membership, _ = Membership.objects.get_or_create(
            clinic=clinic, user=user, defaults={"title": title}
        )
        membership.roles.set(Role.objects.for_clinic(clinic).filter(key__in=role_keys))
    return membership


def update_clinic_billing(*, actor: Actor, tax_registration_number: str) -> Clinic:
    """The clinic's billing details printed on its invoices; audited."""
    clinic = actor.clinic
    number = " ".join(tax_registration_number.split())
    with transaction.atomic():
        Clinic.objects.filter(pk=clinic.pk).update(tax_registration_number=number)
        clinic.refresh_from_db()
        record_change(
            actor=actor,
            action="update",
            obj=clinic,
            patient_id=None,
            detail=f"tax registration number={number or '(none)'}",
        )
    return clinic


def update_clinic_security(
    *, actor: Actor, is_mfa_required: bool, idle_timeout_minutes: int
) -> Clinic:
    clinic = actor.clinic
    with transaction.atomic():
        Clinic.objects.filter(pk=clinic.pk).update(
            is_mfa_required=is_mfa_required, idle_timeout_minutes=idle_timeout_minutes
        )
        clinic.refresh_from_db()
        record_change(
            actor=actor,
            action="update",
            obj=clinic,
            patient_id=None,
            detail=f"mfa={is_mfa_required} idle={idle_timeout_minutes}",
        )
    return clinic
