"""inventory: nothing to create. It stands for migrations 0003 to 0008 of the old chain,
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
        ("inventory", "0003_delete_purchaseordercounter"),
        ("inventory", "0004_movement_sold_as_bundle"),
        ("inventory", "0005_supplier_ruc_ascii_digits"),
        ("inventory", "0006_warehouse_kind_seller"),
        ("inventory", "0007_po_total_adds_up_to_the_cent"),
        ("inventory", "0008_warehouse_ubigeo_establishment"),
    ]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
        ("catalog", "0001_squashed_0017_initial"),
        ("core", "0001_squashed_0003_initial"),
        ("inventory", "0001_squashed_0002_initial"),
    ]

    operations = []
