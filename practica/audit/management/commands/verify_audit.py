from typing import Any

from django.core.management.base import BaseCommand, CommandError

from practica.audit.models import AuditEntry
from practica.audit.selectors import verify_chains


class Command(BaseCommand):
    help = "Verify the audit hash chains; fail if an entry was altered or removed."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = verify_chains()
        for p in problems:
            self.stderr.write(f"chain {p.chain_key} entry {p.seq}: {p.problem}")
        if problems:
            raise CommandError(f"Audit trail is broken: {len(problems)} problem(s).")
        self.stdout.write(
            f"Audit trail intact: {AuditEntry.objects.count()} entries verified."
        )
