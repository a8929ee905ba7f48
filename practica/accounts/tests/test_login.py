"""Log-in, lock-out, TOTP and idle log-off, through HTTP as a person would."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from practica.accounts.models import User
from practica.audit.models import AuditEntry
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _login(client: Client, email: str, password: str) -> object:
    return client.post("/accounts/login/", {"email": email, "password": password})


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def test_login_with_email_and_password(
    clinic: Clinic, member_factory: Callable[..., Membership]
) -> None:
    member = member_factory(clinic, ["front_desk"])
    client = Client()
    response = _login(client, member.user.email.upper(), TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert AuditEntry.objects.filter(action="login", outcome="allowed").count() == 1


def test_wrong_password_is_refused_without_saying_which_part(
    clinic: Clinic, member_factory: Callable[..., Membership]
) -> None:
    member = member_factory(clinic, ["front_desk"])
    response = _login(Client(), member.user.email, "wrong-password")
    assert response.status_code == 422
    assert "The email or password is not correct." in response.content.decode()


def test_account_locks_after_five_failures(
    clinic: Clinic, member_factory: Callable[..., Membership]
) -> None:
    # given
    member = member_factory(clinic, ["front_desk"])
    client = Client()
    for _ in range(5):
        _login(client, member.user.email, "wrong-password")
    # when: even the right password is refused while locked
    response = _login(client, member.user.email, TEST_PASSWORD)
    # then
    assert response.status_code == 422
    assert "locked" in response.content.decode()
    assert User.objects.get(pk=member.user.pk).locked_until is not None


def test_lock_expires(
    clinic: Clinic, member_factory: Callable[..., Membership], time_machine: object
) -> None:
    member = member_factory(clinic, ["front_desk"])
    client = Client()
    for _ in range(5):
        _login(client, member.user.email, "wrong-password")
    time_machine.move_to(timezone.now(), tick=False)  # type: ignore[attr-defined]
    time_machine.shift(16 * 60)  # type: ignore[attr-defined]
    assert _login(client, member.user.email, TEST_PASSWORD).status_code == 302


def test_clinic_requiring_mfa_sends_staff_to_enrol(
    clinic: Clinic, member_factory: Callable[..., Membership], time_machine: object
) -> None:
    # given
    Clinic.objects.filter(pk=clinic.pk).update(is_mfa_required=True)
    member = member_factory(clinic, ["owner"])
    client = Client()
    _login(client, member.user.email, TEST_PASSWORD)
    # when
    blocked = client.get("/clinic/settings/")
    enrol = client.get("/accounts/mfa/setup/")
    device = TOTPDevice.objects.get(user=member.user)
    bad = client.post("/accounts/mfa/setup/", {"token": "000000"})
    # django-otp throttles after a failure; a person retries a few seconds later
    time_machine.move_to(timezone.now() + timedelta(seconds=5), tick=False)  # type: ignore[attr-defined]
    good = client.post("/accounts/mfa/setup/", {"token": _code(device)})
    # then
    assert blocked.status_code == 302
    assert blocked["Location"] == "/accounts/mfa/setup/"
    assert enrol.status_code == 200
    assert "<svg" in enrol.content.decode()
    assert bad.status_code == 422
    assert good.status_code == 302
    assert client.get("/clinic/settings/").status_code == 200


def test_enrolled_user_must_enter_a_code_at_login(
    clinic: Clinic, member_factory: Callable[..., Membership]
) -> None:
    # given
    member = member_factory(clinic, ["owner"])
    device = TOTPDevice.objects.create(user=member.user, name="app", confirmed=True)
    client = Client()
    # when
    first = _login(client, member.user.email, TEST_PASSWORD)
    before_code = client.get("/clinic/settings/")
    wrong = client.post("/accounts/mfa/verify/", {"token": "123"})
    right = client.post("/accounts/mfa/verify/", {"token": _code(device)})
    # then
    assert first["Location"] == "/accounts/mfa/verify/"
    assert before_code.status_code == 302
    assert before_code["Location"].startswith("/accounts/login/")
    assert wrong.status_code == 422
    assert "Enter the 6 digits your app shows." in wrong.content.decode()
    assert right.status_code == 302
    assert client.get("/clinic/settings/").status_code == 200


def test_idle_session_is_logged_off(
    clinic: Clinic, member_factory: Callable[..., Membership]
) -> None:
    # given a 15-minute idle limit and a session last active 16 minutes ago
    member = member_factory(clinic, ["owner"])
    client = Client()
    client.force_login(member.user)
    assert client.get("/clinic/settings/").status_code == 200
    session = client.session
    session["practica.last_activity"] = time.time() - 16 * 60
    session.save()
    # when
    response = client.get("/clinic/settings/")
    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?idle=1"
    assert client.get("/clinic/settings/").status_code == 302


def test_owner_changes_security_settings(
    clinic: Clinic,
    member_factory: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    client = client_for(member_factory(clinic, ["owner"]))
    bad = client.post("/clinic/settings/", {"idle_timeout_minutes": "0"})
    good = client.post(
        "/clinic/settings/", {"is_mfa_required": "on", "idle_timeout_minutes": "10"}
    )
    clinic.refresh_from_db()
    assert bad.status_code == 422
    assert "Log off after this many idle minutes" in bad.content.decode()
    assert good.status_code == 302
    assert (clinic.is_mfa_required, clinic.idle_timeout_minutes) == (True, 10)


def test_security_headers(clinic: Clinic) -> None:
    response = Client().get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"


def test_passwords_are_hashed_with_pbkdf2(settings: object) -> None:
    from practica.config import settings as production

    assert production.PASSWORD_HASHERS == [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    ]


def test_log_ins_and_failures_appear_in_the_clinics_audit_trail(
    clinic: Clinic, other_clinic: Clinic, member_factory: Callable[..., Membership]
) -> None:
    # given a person working at one clinic
    member = member_factory(clinic, ["front_desk"])
    # when they fail once, then log in
    _login(Client(), member.user.email, "wrong-password")
    _login(Client(), member.user.email, TEST_PASSWORD)
    # then the clinic's trail has both, with the address; the other clinic's has none
    entries = AuditEntry.objects.filter(clinic_id=clinic.pk, action="login").order_by(
        "seq"
    )
    assert [(e.outcome, e.detail) for e in entries] == [
        ("denied", "bad credentials"),
        ("allowed", ""),
    ]
    assert entries[0].ip == "127.0.0.1"
    assert not AuditEntry.objects.filter(
        clinic_id=other_clinic.pk, action="login"
    ).exists()
