"""Append-only money rows.

SQLite rebuilds a table to add a foreign key, which drops its triggers, so
0006 cost the ledger its SQLite trigger: it is re-created here (PostgreSQL's
survived). Refunds and credit notes (and their lines) are immutable too.
Any later migration that alters `billing_ledgerentry` on SQLite must re-create
its trigger the same way.
"""

from django.db import migrations

from practica.core.db_ops import VendorSQL, immutable_rows_sql

_ledger = immutable_rows_sql("billing_ledgerentry")


class Migration(migrations.Migration):
    dependencies = [("billing", "0006_catalogue_drafts_credit_notes_refunds")]
    operations = [
        VendorSQL(
            sqlite=[
                "DROP TRIGGER IF EXISTS billing_ledgerentry_no_update;",
                *_ledger["sqlite"],
            ],
            sqlite_reverse=_ledger["sqlite_reverse"],
        ),
        VendorSQL(**immutable_rows_sql("billing_refund")),
        VendorSQL(**immutable_rows_sql("billing_creditnote")),
        VendorSQL(**immutable_rows_sql("billing_creditnoteline")),
    ]
