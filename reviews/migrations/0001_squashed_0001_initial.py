"""reviews: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0001
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
    replaces = [("reviews", "0001_reviews_votes_reports_invitations_reputation")]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
        ("catalog", "0001_squashed_0017_initial"),
        ("orders", "0001_squashed_0001_initial"),
    ]

    operations = [
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="Review",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("rating", models.PositiveSmallIntegerField(verbose_name="rating")),
                        ("title", models.CharField(max_length=120, verbose_name="title")),
                        ("body", models.TextField(max_length=3000, verbose_name="review")),
                        ("is_verified_purchase", models.BooleanField(default=False, verbose_name="verified purchase")),
                        (
                            "status",
                            models.CharField(
                                choices=[("pending", "Pending"), ("approved", "Approved"), ("rejected", "Rejected")],
                                default="pending",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "rejection_reason",
                            models.CharField(blank=True, max_length=255, verbose_name="rejection reason"),
                        ),
                        ("hidden_by_reports", models.BooleanField(default=False, verbose_name="hidden by reports")),
                        ("helpful_count", models.PositiveIntegerField(default=0, verbose_name="helpful votes")),
                        ("report_count", models.PositiveIntegerField(default=0, verbose_name="reports")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        ("edited_at", models.DateTimeField(blank=True, null=True, verbose_name="edited")),
                        ("moderated_at", models.DateTimeField(blank=True, null=True, verbose_name="moderated at")),
                        (
                            "moderated_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="moderated by",
                            ),
                        ),
                        (
                            "product",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reviews",
                                to="catalog.product",
                                verbose_name="product",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reviews",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="customer",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "review",
                        "verbose_name_plural": "reviews",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(
                                fields=["product", "status", "-helpful_count", "-created_at"],
                                name="reviews_product_helpful_idx",
                            ),
                            models.Index(
                                fields=["product", "status", "-created_at"], name="reviews_product_newest_idx"
                            ),
                            models.Index(fields=["status", "created_at"], name="reviews_queue_idx"),
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "product"), name="reviews_one_review_per_user_and_product"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("rating__gte", 1), ("rating__lte", 5)), name="reviews_rating_1_to_5"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("status", "rejected"), _negated=True),
                                    models.Q(("rejection_reason", ""), _negated=True),
                                    _connector="OR",
                                ),
                                name="reviews_rejection_has_a_reason",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ReviewInvitation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "claimed_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="claimed at"),
                        ),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent at")),
                        (
                            "order",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="review_invitation",
                                to="orders.order",
                                verbose_name="order",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "review invitation",
                        "verbose_name_plural": "review invitations",
                    },
                ),
                migrations.CreateModel(
                    name="ReviewReport",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        (
                            "review",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reports",
                                to="reviews.review",
                                verbose_name="review",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="customer",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "report",
                        "verbose_name_plural": "reports",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("review", "user"), name="reviews_one_report_per_user_and_review"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ReviewVote",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        (
                            "review",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="votes",
                                to="reviews.review",
                                verbose_name="review",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="customer",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "helpful vote",
                        "verbose_name_plural": "helpful votes",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("review", "user"), name="reviews_one_vote_per_user_and_review"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="SellerReputation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("period_start", models.DateField(verbose_name="from")),
                        ("period_end", models.DateField(verbose_name="until")),
                        (
                            "rating_average",
                            models.DecimalField(
                                blank=True, decimal_places=2, max_digits=3, null=True, verbose_name="rating average"
                            ),
                        ),
                        ("rating_count", models.PositiveIntegerField(default=0, verbose_name="rating count")),
                        (
                            "legs_on_time",
                            models.PositiveIntegerField(blank=True, null=True, verbose_name="legs shipped on time"),
                        ),
                        ("legs_total", models.PositiveIntegerField(blank=True, null=True, verbose_name="legs shipped")),
                        ("orders_total", models.PositiveIntegerField(default=0, verbose_name="paid orders")),
                        (
                            "orders_cancelled_by_seller",
                            models.PositiveIntegerField(default=0, verbose_name="orders cancelled by the seller"),
                        ),
                        (
                            "computed_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="computed at"),
                        ),
                        (
                            "seller",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reputations",
                                to="accounts.seller",
                                verbose_name="seller",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "seller reputation",
                        "verbose_name_plural": "seller reputations",
                        "ordering": ["-period_end", "-pk"],
                        "get_latest_by": "period_end",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("seller", "period_start", "period_end"),
                                name="reviews_reputation_one_per_period",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("period_start__lte", models.F("period_end"))),
                                name="reviews_reputation_period_order",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("orders_cancelled_by_seller__lte", models.F("orders_total"))),
                                name="reviews_reputation_cancelled_within_total",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
