"""Re-encrypt every document with the active key (the first of
PRACTICA_DOCUMENT_KEYS). Safe to stop and run again."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from practica.documents.encryption import keyring
from practica.documents.errors import DocumentUnreadableError
from practica.documents.services import rotate_document_keys


class Command(BaseCommand):
    help = "Re-encrypt every patient document with the active document key."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch-size", type=int, default=50)

    def handle(self, *args: Any, **options: Any) -> None:
        active = keyring().active_id
        try:
            count = rotate_document_keys(batch_size=options["batch_size"])
        except DocumentUnreadableError as exc:
            raise CommandError(f"Rotation stopped: {exc}") from exc
        self.stdout.write(f"Re-encrypted {count} document(s) with key {active}.")
