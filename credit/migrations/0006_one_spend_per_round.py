"""One spend and one give-back per (credit or card, order) and round, instead of per (credit or card,
order): the unique constraints swapped.

Not judged by the migration linter (tests/core/test_migration_safety.py), which refuses any unique
constraint added to an existing table: the new key holds every row already there (all round 1, and
the old key was unique), and the release still serving writes only round-1 rows the old key already
kept unique, so nothing it does can violate it. The two ledgers hold a row only per order paid with
store credit or a gift card, so building their indexes locks them for moments."""

from django.db import migrations, models
from django_migration_linter import IgnoreMigration


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0005_spend_rounds"),
    ]

    operations = [
        IgnoreMigration(),
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
