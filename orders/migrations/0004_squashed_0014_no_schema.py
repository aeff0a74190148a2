"""orders: nothing to create. It stands for migrations 0004 to 0014 of the old chain,
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
        ("orders", "0004_delete_ordernumbercounter"),
        ("orders", "0005_order_customer_legal_name"),
        ("orders", "0006_line_discount_sources"),
        ("orders", "0007_line_offer_discount"),
        ("orders", "0008_gift_cards"),
        ("orders", "0010_order_note"),
        ("orders", "0011_order_channel"),
        ("orders", "0012_line_offer_terms"),
        ("orders", "0013_order_payment_due_at"),
        ("orders", "0014_order_email_payment_code"),
    ]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
        ("catalog", "0001_squashed_0017_initial"),
        ("core", "0001_squashed_0003_initial"),
        ("orders", "0002_squashed_0003_foreign_keys"),
        ("promotions", "0001_squashed_0002_initial"),
        ("shipping", "0004_squashed_0005_no_schema"),
    ]

    operations = []
