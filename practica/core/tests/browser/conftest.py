"""Browser tests of the whole journey and the board."""

from __future__ import annotations

from pathlib import Path

import pytest

from practica.core.tests.browser_fixtures import (  # noqa: F401  # fixtures
    allow_orm_beside_playwright,
    browser_type_launch_args,
)

ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"


@pytest.fixture
def artifacts() -> Path:
    path = ARTIFACTS / "journey"
    path.mkdir(parents=True, exist_ok=True)
    return path
