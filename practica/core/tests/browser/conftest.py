"""Playwright drives Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    return {
        "executable_path": executable,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session", autouse=True)
def allow_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API runs an event loop in the test thread; the ORM calls
    the tests make there to set up data are still plain synchronous calls."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def artifacts() -> Path:
    path = ARTIFACTS / "journey"
    path.mkdir(parents=True, exist_ok=True)
    return path
