"""Log-in with lock-out after repeated failures, and TOTP enrolment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from practica.accounts.models import User
from practica.audit.models import AuditEntry
from practica.audit.services import record_auth_event

LOCKED_MESSAGE = (
    "This account is locked after too many failed log-ins. Try again later."
)
INVALID_MESSAGE = "The email or password is not correct."


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    error: str = ""


def _clinic_ids(user: User | None) -> list[int | None]:
    """The clinics whose audit trail should show this person's log-ins: each
    clinic they work at, so that its owner sees them (or none at all)."""
    if user is None:
        return [None]
    ids = list(
        user.memberships.filter(is_active=True).values_list("clinic_id", flat=True)
    )
    return list(ids) or [None]


def _record(
    *, user: User | None, outcome: str, ip: str, agent: str, detail: str = ""
) -> None:
    for clinic_id in _clinic_ids(user):
        record_auth_event(
            user=user,
            clinic_id=clinic_id,
            action="login",
            outcome=outcome,
            ip=ip,
            user_agent=agent,
            detail=detail,
        )


def _meta(request: HttpRequest) -> tuple[str, str]:
    return str(request.META.get("REMOTE_ADDR", "")), request.headers.get(
        "User-Agent", ""
    )[:300]


def check_credentials(
    *, request: HttpRequest, email: str, password: str
) -> LoginResult:
    ip, agent = _meta(request)
    user = User.objects.filter(email=email.strip().lower()).first()
    now = timezone.now()
    if user is not None and user.locked_until and user.locked_until > now:
        _record(user=user, outcome="denied", ip=ip, agent=agent, detail="locked")
        return LoginResult(user=None, error=LOCKED_MESSAGE)
    authenticated = authenticate(
        request, username=email.strip().lower(), password=password
    )
    if authenticated is None:
        if user is not None:
            with transaction.atomic():
                user.refresh_from_db(fields=["failed_login_count"])
                user.failed_login_count += 1
                if user.failed_login_count >= settings.LOGIN_MAX_FAILURES:
                    user.locked_until = now + timedelta(
                        minutes=settings.LOGIN_LOCKOUT_MINUTES
                    )
                    user.failed_login_count = 0
                user.save(update_fields=["failed_login_count", "locked_until"])
        _record(
            user=user, outcome="denied", ip=ip, agent=agent, detail="bad credentials"
        )
        if user is not None and user.locked_until and user.locked_until > now:
            return LoginResult(user=None, error=LOCKED_MESSAGE)
        return LoginResult(user=None, error=INVALID_MESSAGE)
    assert isinstance(authenticated, User)
    User.objects.filter(pk=authenticated.pk).update(
        failed_login_count=0, locked_until=None
    )
    return LoginResult(user=authenticated)


def record_login(*, request: HttpRequest, user: User) -> None:
    ip, agent = _meta(request)
    _record(user=user, outcome=AuditEntry.Outcome.ALLOWED, ip=ip, agent=agent)


def get_pending_user(user_id: int | None) -> User | None:
    """The user who passed the password step and still owes a TOTP code."""
    return User.objects.filter(pk=user_id).first() if user_id else None


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled, created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=False
        )
    return device


def confirm_device(*, user: User, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True
