from typing import Any

from django.http import HttpRequest


def clinic(request: HttpRequest) -> dict[str, Any]:
    actor = getattr(request, "actor", None)
    return {
        "actor": actor,
        "clinic": actor.clinic if actor else None,
        "perms_codes": actor.permissions if actor else frozenset(),
    }
