"""promotions: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0002
(docs/operations/deploys.md, "Squashed migrations")."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
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
    replaces = [("promotions", "0001_coupons_discounts_and_redemptions"), ("promotions", "0002_quantity_offers")]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
        ("catalog", "0001_squashed_0017_initial"),
        ("orders", "0001_squashed_0001_initial"),
        ("orders", "0002_squashed_0003_foreign_keys"),
    ]

    operations = [
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="AutomaticDiscount",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=120, verbose_name="name")),
                        (
                            "scope",
                            models.CharField(
                                choices=[
                                    ("everything", "Everything"),
                                    ("products", "Products"),
                                    ("categories", "Categories (with their subcategories)"),
                                    ("brands", "Brands"),
                                    ("sellers", "Sellers"),
                                    ("collections", "Collections"),
                                ],
                                default="everything",
                                max_length=12,
                                verbose_name="applies to",
                            ),
                        ),
                        ("starts_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="starts")),
                        (
                            "ends_at",
                            models.DateTimeField(
                                blank=True, help_text="Empty: no end.", null=True, verbose_name="ends"
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, editable=False, verbose_name="created"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[("percentage", "Percentage"), ("fixed", "Fixed amount per unit")],
                                default="percentage",
                                max_length=10,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "value",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=12,
                                validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                                verbose_name="value",
                            ),
                        ),
                        (
                            "priority",
                            models.SmallIntegerField(
                                default=0,
                                help_text="When two discounts give a product the same price, the higher priority is the one named.",
                                validators=[
                                    django.core.validators.MinValueValidator(-100),
                                    django.core.validators.MaxValueValidator(100),
                                ],
                                verbose_name="priority",
                            ),
                        ),
                        (
                            "brands",
                            models.ManyToManyField(
                                blank=True, related_name="+", to="catalog.brand", verbose_name="brands"
                            ),
                        ),
                        (
                            "categories",
                            models.ManyToManyField(
                                blank=True, related_name="+", to="catalog.category", verbose_name="categories"
                            ),
                        ),
                        (
                            "collections",
                            models.ManyToManyField(
                                blank=True, related_name="+", to="catalog.collection", verbose_name="collections"
                            ),
                        ),
                        (
                            "products",
                            models.ManyToManyField(
                                blank=True, related_name="+", to="catalog.product", verbose_name="products"
                            ),
                        ),
                        (
                            "sellers",
                            models.ManyToManyField(
                                blank=True, related_name="+", to="accounts.seller", verbose_name="sellers"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "automatic discount",
                        "verbose_name_plural": "automatic discounts",
                        "ordering": ["-priority", "-created_at", "-pk"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("value__gt", 0)), name="promotions_discount_value_positive"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("kind", "percentage"), _negated=True),
                                    ("value__lte", 100),
                                    _connector="OR",
                                ),
                                name="promotions_discount_percent_at_most_100",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Coupon",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=120, verbose_name="name")),
                        (
                            "scope",
                            models.CharField(
                                choices=[
                                    ("everything", "Everything"),
                                    ("products", "Products"),
                                    ("categories", "Categories (with their subcategories)"),
                                    ("brands", "Brands"),
                                    ("sellers", "Sellers"),
                                    ("collections", "Collections"),
                                ],
                                default="everything",
                                max_length=12,
                                verbose_name="applies to",
                            ),
                        ),
                        ("starts_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="starts")),
                        (
                            "ends_at",
                            models.DateTimeField(
                                blank=True, help_text="Empty: no end.", null=True, verbose_name="ends"
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, editable=False, verbose_name="created"
                            ),
                        ),
                        (
                            "code",
                            models.CharField(
                                help_text="Letters, digits and hyphens; case does not matter.",
                                max_length=40,
                                verbose_name="code",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("percentage", "Percentage"),
                                    ("fixed", "Fixed amount"),
                                    ("free_shipping", "Free shipping"),
                                ],
                                default="percentage",
                                max_length=14,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "value",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0.00"),
                                help_text="Percent for a percentage coupon, soles for a fixed one; ignored for free shipping.",
                                max_digits=12,
                                validators=[django.core.validators.MinValueValidator(Decimal("0.00"))],
                                verbose_name="value",
                            ),
                        ),
                        (
                            "minimum_purchase",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0.00"),
                                help_text="The products' total after automatic and kit discounts, IGV included.",
                                max_digits=12,
                                validators=[django.core.validators.MinValueValidator(Decimal("0.00"))],
                                verbose_name="minimum purchase",
                            ),
                        ),
                        (
                            "max_uses",
                            models.PositiveIntegerField(
                                blank=True, help_text="Empty: unlimited.", null=True, verbose_name="maximum uses"
                            ),
                        ),
                        (
                            "max_uses_per_customer",
                            models.PositiveIntegerField(
                                blank=True,
                                default=1,
                                help_text="Empty: unlimited.",
                                null=True,
                                verbose_name="maximum uses per customer",
                            ),
                        ),
                        ("first_order_only", models.BooleanField(default=False, verbose_name="first order only")),
                        ("uses", models.PositiveIntegerField(default=0, editable=False, verbose_name="uses")),
                        (
                            "batch",
                            models.CharField(
                                blank=True, help_text="Codes generated together.", max_length=60, verbose_name="batch"
                            ),
                        ),
                        (
                            "brands",
                            models.ManyToManyField(
                                blank=True, related_name="+", to="catalog.brand", verbose_name="brands"
                            ),
                        ),
                        (
                            "categories",
                            models.ManyToManyField(
                                blank=True, related_name="+", to="catalog.category", verbose_name="categories"
                            ),
                        ),
                        (
                            "collections",
                            models.ManyToManyField(
                                blank=True, related_name="+", to="catalog.collection", verbose_name="collections"
                            ),
                        ),
                        (
                            "products",
                            models.ManyToManyField(
                                blank=True, related_name="+", to="catalog.product", verbose_name="products"
                            ),
                        ),
                        (
                            "sellers",
                            models.ManyToManyField(
                                blank=True, related_name="+", to="accounts.seller", verbose_name="sellers"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "coupon",
                        "verbose_name_plural": "coupons",
                        "ordering": ["-created_at", "-pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                django.db.models.functions.text.Upper("code"), name="promotions_coupon_code_unique_ci"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("max_uses__isnull", True), ("uses__lte", models.F("max_uses")), _connector="OR"
                                ),
                                name="promotions_coupon_uses_within_max",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("value__gte", 0), ("minimum_purchase__gte", 0)),
                                name="promotions_coupon_amounts_not_negative",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("kind", "percentage"), _negated=True),
                                    ("value__lte", 100),
                                    _connector="OR",
                                ),
                                name="promotions_coupon_percent_at_most_100",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="CouponRedemption",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("email", models.EmailField(max_length=254, verbose_name="e-mail")),
                        (
                            "amount",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0.00"), max_digits=12, verbose_name="discount given"
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="redeemed at"),
                        ),
                        ("released_at", models.DateTimeField(blank=True, null=True, verbose_name="released at")),
                        (
                            "coupon",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="redemptions",
                                to="promotions.coupon",
                                verbose_name="coupon",
                            ),
                        ),
                        (
                            "customer",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="customer",
                            ),
                        ),
                        (
                            "order",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="coupon_redemption",
                                to="orders.order",
                                verbose_name="order",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "coupon redemption",
                        "verbose_name_plural": "coupon redemptions",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(fields=["coupon", "customer"], name="promo_redemption_cust_idx"),
                            models.Index(fields=["coupon", "email"], name="promo_redemption_email_idx"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DiscountTarget",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "discount",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="targets",
                                to="promotions.automaticdiscount",
                            ),
                        ),
                        (
                            "product",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="catalog.product"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "discounted product",
                        "verbose_name_plural": "discounted products",
                        "constraints": [
                            models.UniqueConstraint(fields=("product", "discount"), name="promotions_target_unique")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="QuantityOffer",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=120, verbose_name="name")),
                        (
                            "scope",
                            models.CharField(
                                choices=[
                                    ("everything", "Everything"),
                                    ("products", "Products"),
                                    ("categories", "Categories (with their subcategories)"),
                                    ("brands", "Brands"),
                                    ("sellers", "Sellers"),
                                    ("collections", "Collections"),
                                ],
                                default="everything",
                                max_length=12,
                                verbose_name="applies to",
                            ),
                        ),
                        ("starts_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="starts")),
                        (
                            "ends_at",
                            models.DateTimeField(
                                blank=True, help_text="Empty: no end.", null=True, verbose_name="ends"
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, editable=False, verbose_name="created"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("buy_n_pay_m", "Buy N, pay M (3x2)"),
                                    ("nth_unit_percent", "The Nth unit at a percentage off (2nd at 50 %)"),
                                    ("buy_x_get_gift", "Buy X, get a gift product"),
                                ],
                                default="buy_n_pay_m",
                                max_length=16,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "buy_quantity",
                            models.PositiveSmallIntegerField(
                                default=3,
                                help_text="N in “N for M”, the Nth unit, or the X units that earn the gift.",
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(50),
                                ],
                                verbose_name="units bought",
                            ),
                        ),
                        (
                            "pay_quantity",
                            models.PositiveSmallIntegerField(
                                blank=True,
                                help_text="Only for “buy N, pay M”: M, at least 1 and less than N.",
                                null=True,
                                validators=[django.core.validators.MinValueValidator(1)],
                                verbose_name="units paid",
                            ),
                        ),
                        (
                            "percent",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                help_text="Only for “the Nth unit”: from 1 to 100.",
                                max_digits=5,
                                null=True,
                                verbose_name="percentage off",
                            ),
                        ),
                        (
                            "gift_quantity",
                            models.PositiveSmallIntegerField(
                                default=1,
                                help_text="Units of the gift given for every X units bought.",
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(10),
                                ],
                                verbose_name="gift units",
                            ),
                        ),
                        (
                            "priority",
                            models.SmallIntegerField(
                                default=0,
                                help_text="When two offers cover a product, the higher priority is the one that applies.",
                                validators=[
                                    django.core.validators.MinValueValidator(-100),
                                    django.core.validators.MaxValueValidator(100),
                                ],
                                verbose_name="priority",
                            ),
                        ),
                        (
                            "brands",
                            models.ManyToManyField(
                                blank=True, related_name="+", to="catalog.brand", verbose_name="brands"
                            ),
                        ),
                        (
                            "categories",
                            models.ManyToManyField(
                                blank=True, related_name="+", to="catalog.category", verbose_name="categories"
                            ),
                        ),
                        (
                            "collections",
                            models.ManyToManyField(
                                blank=True, related_name="+", to="catalog.collection", verbose_name="collections"
                            ),
                        ),
                        (
                            "gift_variant",
                            models.ForeignKey(
                                blank=True,
                                help_text="Only for “buy X, get a gift”: the variant given free.",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="catalog.variant",
                                verbose_name="gift",
                            ),
                        ),
                        (
                            "products",
                            models.ManyToManyField(
                                blank=True, related_name="+", to="catalog.product", verbose_name="products"
                            ),
                        ),
                        (
                            "sellers",
                            models.ManyToManyField(
                                blank=True, related_name="+", to="accounts.seller", verbose_name="sellers"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "quantity offer",
                        "verbose_name_plural": "quantity offers",
                        "ordering": ["-priority", "-created_at", "-pk"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("kind", "buy_n_pay_m"), _negated=True),
                                    models.Q(("pay_quantity__gte", 1), ("pay_quantity__lt", models.F("buy_quantity"))),
                                    _connector="OR",
                                ),
                                name="promotions_qoffer_pay_below_buy",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("kind", "nth_unit_percent"), _negated=True),
                                    models.Q(("percent__gte", 1), ("percent__lte", 100), ("buy_quantity__gte", 2)),
                                    _connector="OR",
                                ),
                                name="promotions_qoffer_percent_range",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("kind", "buy_x_get_gift"), _negated=True),
                                    ("gift_variant__isnull", False),
                                    _connector="OR",
                                ),
                                name="promotions_qoffer_gift_set",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="QuantityOfferTarget",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "offer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="targets",
                                to="promotions.quantityoffer",
                            ),
                        ),
                        (
                            "product",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="catalog.product"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "product of a quantity offer",
                        "verbose_name_plural": "products of quantity offers",
                        "constraints": [
                            models.UniqueConstraint(fields=("product", "offer"), name="promotions_qoffer_target_unique")
                        ],
                    },
                ),
            ],
        ),
    ]
