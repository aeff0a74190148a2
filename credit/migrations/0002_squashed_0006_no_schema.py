"""credit: nothing to create. It stands for migrations 0002 to 0006 of the old chain,
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
        ("credit", "0002_delete_storecreditcounter"),
        ("credit", "0003_gift_cards"),
        ("credit", "0004_gift_card_return"),
        ("credit", "0005_spend_rounds"),
        ("credit", "0006_one_spend_per_round"),
    ]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
        ("core", "0001_squashed_0003_initial"),
        ("credit", "0001_squashed_0001_initial"),
        ("orders", "0004_squashed_0014_no_schema"),
        ("returns", "0004_squashed_0006_no_schema"),
    ]

    operations = []
