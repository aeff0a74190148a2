"""credit: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0001
(docs/operations/deploys.md, "Squashed migrations")."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import core.migration_operations


class Migration(migrations.Migration):
    initial = True
    safe_under_load_because = (
        "it replaces the old chain: an existing database has the old migrations applied and Django marks this one "
        "applied without running it; on a new database its tables are new and empty"
    )
    replaces = [("credit", "0001_store_credit")]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
        ("orders", "0001_squashed_0001_initial"),
        ("orders", "0002_squashed_0003_foreign_keys"),
        ("returns", "0001_squashed_0003_initial"),
    ]

    operations = [
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="CreditUse",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[("spend", "Spent on an order"), ("restore", "Given back (order cancelled)")],
                                max_length=8,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "amount",
                            models.DecimalField(
                                decimal_places=2,
                                help_text="Negative when spent, positive when given back.",
                                max_digits=12,
                                verbose_name="amount",
                            ),
                        ),
                        (
                            "spend_round",
                            models.PositiveSmallIntegerField(
                                db_default=1,
                                default=1,
                                help_text="1: spent at checkout (and given back if the order was cancelled); 2: taken again when a late payment revived the expired order.",
                                verbose_name="round",
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="when")),
                        (
                            "order",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="credit_uses",
                                to="orders.order",
                                verbose_name="order",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "store credit use",
                        "verbose_name_plural": "store credit uses",
                        "ordering": ["created_at", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="GiftCard",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "number",
                            models.CharField(
                                editable=False,
                                help_text="Staff reference; the code that spends the card is never shown here.",
                                max_length=20,
                                unique=True,
                                verbose_name="number",
                            ),
                        ),
                        ("code", models.CharField(editable=False, max_length=19, unique=True, verbose_name="code")),
                        ("amount", models.DecimalField(decimal_places=2, max_digits=12, verbose_name="amount")),
                        ("balance", models.DecimalField(decimal_places=2, max_digits=12, verbose_name="balance")),
                        (
                            "currency",
                            models.CharField(default="PEN", editable=False, max_length=3, verbose_name="currency"),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[("pending", "Awaiting payment"), ("active", "Active"), ("voided", "Voided")],
                                default="active",
                                max_length=8,
                                verbose_name="status",
                            ),
                        ),
                        ("expires_at", models.DateTimeField(verbose_name="expires at")),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="issued at"),
                        ),
                        (
                            "order_line_index",
                            models.PositiveSmallIntegerField(default=0, verbose_name="card of the order"),
                        ),
                        (
                            "issue_reason",
                            models.CharField(blank=True, max_length=255, verbose_name="reason for issuing"),
                        ),
                        ("voided_at", models.DateTimeField(blank=True, null=True, verbose_name="voided at")),
                        (
                            "void_reason",
                            models.CharField(blank=True, max_length=255, verbose_name="reason for voiding"),
                        ),
                        ("recipient_name", models.CharField(max_length=100, verbose_name="recipient's name")),
                        ("recipient_email", models.EmailField(max_length=254, verbose_name="recipient's e-mail")),
                        ("sender_name", models.CharField(max_length=100, verbose_name="sender's name")),
                        ("buyer_email", models.EmailField(blank=True, max_length=254, verbose_name="buyer's e-mail")),
                        ("message", models.TextField(blank=True, max_length=300, verbose_name="message")),
                        ("deliver_on", models.DateField(verbose_name="delivery date")),
                        (
                            "delivered_at",
                            models.DateTimeField(blank=True, editable=False, null=True, verbose_name="delivered at"),
                        ),
                        (
                            "issued_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="issued by",
                            ),
                        ),
                        (
                            "order",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="gift_cards_sold",
                                to="orders.order",
                                verbose_name="sold in order",
                            ),
                        ),
                        (
                            "return_request",
                            models.OneToOneField(
                                blank=True,
                                help_text="The return this card was given for.",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="gift_card",
                                to="returns.returnrequest",
                                verbose_name="return request",
                            ),
                        ),
                        (
                            "voided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="voided by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "gift card",
                        "verbose_name_plural": "gift cards",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(
                                condition=models.Q(("delivered_at__isnull", True)),
                                fields=["deliver_on"],
                                name="gift_card_to_deliver_idx",
                            )
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("amount__gt", 0)), name="gift_card_amount_positive"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("balance__gte", 0), ("balance__lte", models.F("amount"))),
                                name="gift_card_balance_within_amount",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("status", "active"), ("balance", 0), _connector="OR"),
                                name="gift_card_voided_empty",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("order__isnull", False)),
                                fields=("order", "order_line_index"),
                                name="gift_card_once_per_order_line",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="GiftCardUse",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("spend", "Spent on an order"),
                                    ("restore", "Given back (order cancelled)"),
                                    ("void", "Voided by staff"),
                                ],
                                max_length=8,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "amount",
                            models.DecimalField(
                                decimal_places=2,
                                help_text="Negative when spent, positive when given back.",
                                max_digits=12,
                                verbose_name="amount",
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=255, verbose_name="note")),
                        (
                            "spend_round",
                            models.PositiveSmallIntegerField(
                                db_default=1,
                                default=1,
                                help_text="1: spent at checkout (and given back if the order was cancelled); 2: taken again when a late payment revived the expired order.",
                                verbose_name="round",
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="when")),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="by",
                            ),
                        ),
                        (
                            "card",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="uses",
                                to="credit.giftcard",
                                verbose_name="gift card",
                            ),
                        ),
                        (
                            "order",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="gift_card_uses",
                                to="orders.order",
                                verbose_name="order",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "gift card movement",
                        "verbose_name_plural": "gift card movements",
                        "ordering": ["created_at", "pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("order__isnull", False)),
                                fields=("card", "order", "kind", "spend_round"),
                                name="gift_card_use_once_per_order_round",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("kind", "void")), fields=("card",), name="gift_card_voided_once"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("amount", 0), _negated=True), name="gift_card_use_not_zero"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("spend_round__gte", 1)), name="gift_card_use_round_positive"
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="StoreCredit",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("number", models.CharField(editable=False, max_length=20, unique=True, verbose_name="number")),
                        ("amount", models.DecimalField(decimal_places=2, max_digits=12, verbose_name="amount")),
                        ("balance", models.DecimalField(decimal_places=2, max_digits=12, verbose_name="balance")),
                        (
                            "currency",
                            models.CharField(default="PEN", editable=False, max_length=3, verbose_name="currency"),
                        ),
                        ("expires_at", models.DateTimeField(verbose_name="expires at")),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="issued at"),
                        ),
                        (
                            "customer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="store_credits",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="customer",
                            ),
                        ),
                        (
                            "return_request",
                            models.OneToOneField(
                                blank=True,
                                help_text="The return this credit was given for.",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="store_credit",
                                to="returns.returnrequest",
                                verbose_name="return request",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "store credit",
                        "verbose_name_plural": "store credits",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [models.Index(fields=["customer", "expires_at"], name="credit_customer_expiry_idx")],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("amount__gt", 0)), name="credit_amount_positive"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("balance__gte", 0), ("balance__lte", models.F("amount"))),
                                name="credit_balance_within_amount",
                            ),
                        ],
                    },
                ),
            ],
        ),
        migrations.AddField(
            model_name="credituse",
            name="credit",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="uses",
                to="credit.storecredit",
                verbose_name="store credit",
            ),
        ),
        migrations.AddConstraint(
            model_name="credituse",
            constraint=models.UniqueConstraint(
                fields=("credit", "order", "kind", "spend_round"), name="credit_use_once_per_order_round"
            ),
        ),
        migrations.AddConstraint(
            model_name="credituse",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount", 0), _negated=True), name="credit_use_not_zero"
            ),
        ),
        migrations.AddConstraint(
            model_name="credituse",
            constraint=models.CheckConstraint(
                condition=models.Q(("spend_round__gte", 1)), name="credit_use_round_positive"
            ),
        ),
    ]
