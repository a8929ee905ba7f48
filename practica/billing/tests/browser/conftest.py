"""Browser tests of billing."""

from practica.core.tests.browser_fixtures import (  # noqa: F401  # fixtures
    allow_orm_beside_playwright,
    browser_type_launch_args,
)
