"""Production settings pass Django's deployment checks and fail fast without
their secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PRACTICA_")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


PRODUCTION_DOCUMENT_KEYS = "k1:" + "cHJvZHVjdGlvbi1kb2N1bWVudC1rZXktMzItYnl0ZXM="


def test_check_deploy_is_clean_in_production_settings() -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        PRACTICA_SECRET_KEY="x" * 20 + "production-secret-from-the-environment-0123",
        PRACTICA_ALLOWED_HOSTS="clinic.example.com",
        PRACTICA_DOCUMENT_KEYS=PRODUCTION_DOCUMENT_KEYS,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _manage("check")
    assert result.returncode != 0
    assert "Environment variable PRACTICA_SECRET_KEY is required." in result.stderr


def test_production_refuses_to_start_without_document_keys() -> None:
    result = _manage(
        "check", PRACTICA_SECRET_KEY="x" * 50, PRACTICA_ALLOWED_HOSTS="clinic.example"
    )
    assert result.returncode != 0
    assert "Environment variable PRACTICA_DOCUMENT_KEYS is required." in result.stderr


def test_start_up_refuses_malformed_document_keys() -> None:
    result = _manage("check", PRACTICA_DEBUG="1", PRACTICA_DOCUMENT_KEYS="k1:short")
    assert result.returncode != 0
    assert "PRACTICA_DOCUMENT_KEYS key k1 must be 32 bytes in base64." in result.stderr
