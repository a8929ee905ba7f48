"""Factories of the plans app; URL_KWARG_BUILDERS feeds the URL tests."""

from __future__ import annotations

from collections.abc import Callable

from practica.tenancy.models import Clinic

URL_KWARG_BUILDERS: dict[str, Callable[[Clinic], object]] = {}
