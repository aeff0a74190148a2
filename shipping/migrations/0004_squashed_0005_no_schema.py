"""shipping: nothing to create. It stands for migrations 0004 to 0005 of the old chain,
which come after another app's old migrations that depend on this app's earlier ones: Django gives a
squashed migration the dependencies of the ones it replaces, and one node for all of them would make a
cycle (docs/operations/deploys.md, "Squashed migrations")."""

from django.db import migrations


class Migration(migrations.Migration):
    safe_under_load_because = (
        "it replaces the old chain: an existing database has the old migrations applied and Django marks this one "
        "applied without running it; on a new database its tables are new and empty"
    )
    replaces = [("shipping", "0004_audit_history"), ("shipping", "0005_shipmentline_bundle_part")]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
        ("catalog", "0001_squashed_0017_initial"),
        ("inventory", "0001_squashed_0002_initial"),
        ("orders", "0002_squashed_0003_foreign_keys"),
        ("shipping", "0001_squashed_0003_initial"),
    ]

    operations = []
