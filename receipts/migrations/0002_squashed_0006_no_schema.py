"""receipts: nothing to create. It stands for migrations 0002 to 0006 of the old chain,
which come after another app's old migrations that depend on this app's earlier ones: Django gives a
squashed migration the dependencies of the ones it replaces, and one node for all of them would make a
cycle (docs/operations/deploys.md, "Squashed migrations")."""

from django.db import migrations


class Migration(migrations.Migration):
    safe_under_load_because = (
        "it replaces the old chain: an existing database has the old migrations applied and Django marks this one "
        "applied without running it; on a new database its tables are new and empty"
    )
    replaces = [
        ("receipts", "0002_delete_receiptseriescounter"),
        ("receipts", "0003_receipt_line_order_line"),
        ("receipts", "0004_credit_reason_decrease"),
        ("receipts", "0005_debit_notes_and_sunat_answer"),
        ("receipts", "0006_receipt_voided_to_correct"),
    ]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
        ("core", "0001_squashed_0003_initial"),
        ("orders", "0004_squashed_0014_no_schema"),
        ("receipts", "0001_squashed_0001_initial"),
    ]

    operations = []
