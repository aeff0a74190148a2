"""returns: nothing to create. It stands for migrations 0004 to 0006 of the old chain,
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
        ("returns", "0004_delete_returnnumbercounter"),
        ("returns", "0005_return_shipping_given_back_once"),
        ("returns", "0006_return_email_created_at"),
    ]

    dependencies = [
        ("core", "0001_squashed_0003_initial"),
        ("returns", "0001_squashed_0003_initial"),
    ]

    operations = []
