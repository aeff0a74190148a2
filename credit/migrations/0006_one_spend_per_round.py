"""One spend and one give-back per (credit or card, order) and round, instead of per (credit or card,
order): the unique constraints swapped. Why this is safe under load is in safe_under_load_because
(the migration check, tests/core/test_migration_safety.py, refuses any unique constraint added to an
existing table)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    safe_under_load_because = (
        "the new keys hold every existing row (all round 1, and the old keys were unique); the release "
        "still serving writes only round-1 rows the old keys already kept unique; the two ledgers hold a "
        "row only per order paid with store credit or a gift card, so building their indexes locks them "
        "for moments"
    )
    dependencies = [
        ("credit", "0005_spend_rounds"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="credituse",
            constraint=models.UniqueConstraint(
                fields=("credit", "order", "kind", "spend_round"), name="credit_use_once_per_order_round"
            ),
        ),
        migrations.AddConstraint(
            model_name="giftcarduse",
            constraint=models.UniqueConstraint(
                condition=models.Q(("order__isnull", False)),
                fields=("card", "order", "kind", "spend_round"),
                name="gift_card_use_once_per_order_round",
            ),
        ),
        migrations.RemoveConstraint(model_name="credituse", name="credit_use_once_per_order"),
        migrations.RemoveConstraint(model_name="giftcarduse", name="gift_card_use_once_per_order"),
    ]
