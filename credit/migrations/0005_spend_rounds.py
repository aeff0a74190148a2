"""A revived order spends its store credit and gift cards again (issue 48): each ledger row says which
round of the order's spending it belongs to. Existing rows, and the rows the release still serving
during a deploy inserts without the column, are round 1 (a database default)."""

from django.db import migrations, models

HELP = (
    "1: spent at checkout (and given back if the order was cancelled); 2: taken again when a late payment "
    "revived the expired order."
)


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0004_gift_card_return"),
    ]

    operations = [
        migrations.AddField(
            model_name="credituse",
            name="spend_round",
            field=models.PositiveSmallIntegerField(db_default=1, default=1, help_text=HELP, verbose_name="round"),
        ),
        migrations.AddField(
            model_name="giftcarduse",
            name="spend_round",
            field=models.PositiveSmallIntegerField(db_default=1, default=1, help_text=HELP, verbose_name="round"),
        ),
        migrations.AddConstraint(
            model_name="credituse",
            constraint=models.CheckConstraint(
                condition=models.Q(("spend_round__gte", 1)), name="credit_use_round_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="giftcarduse",
            constraint=models.CheckConstraint(
                condition=models.Q(("spend_round__gte", 1)), name="gift_card_use_round_positive"
            ),
        ),
    ]
