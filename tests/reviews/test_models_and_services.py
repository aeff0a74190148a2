from decimal import Decimal

import pytest
from constance.test import override_config
from django.db import IntegrityError, transaction

from catalog.models import Product, ProductLine
from reviews import services
from reviews.models import Review, ReviewStatus, ReviewVote
from tests.factories import ProductFactory, UserFactory, write
from tests.factories import delivered_order_of as delivered_order

pytestmark = pytest.mark.django_db


class TestConstraints:
    def test_rating_outside_1_to_5_is_refused_by_the_database(self, customer, product):
        for rating in (0, 6):
            with pytest.raises(IntegrityError), transaction.atomic():
                Review.objects.create(user=customer, product=product, rating=rating, title="t", body="b")
        assert not Review.objects.exists()

    def test_one_review_per_user_and_product(self, customer, product):
        Review.objects.create(user=customer, product=product, rating=4, title="t", body="b")
        with pytest.raises(IntegrityError), transaction.atomic():
            Review.objects.create(user=customer, product=product, rating=3, title="t2", body="b2")
        assert Review.objects.count() == 1

    def test_a_rejection_needs_a_reason(self, customer, product):
        with pytest.raises(IntegrityError), transaction.atomic():
            Review.objects.create(
                user=customer, product=product, rating=4, title="t", body="b", status=ReviewStatus.REJECTED
            )

    def test_one_vote_per_user_and_review(self, customer, product, other_user):
        review = Review.objects.create(user=customer, product=product, rating=4, title="t", body="b")
        ReviewVote.objects.create(review=review, user=other_user)
        with pytest.raises(IntegrityError), transaction.atomic():
            ReviewVote.objects.create(review=review, user=other_user)


class TestCreate:
    def test_unverified_review_waits_for_moderation_and_counts_nothing(self, customer, product):
        review = write(customer, product, rating=5)
        product.refresh_from_db()
        assert review.status == ReviewStatus.PENDING and not review.is_verified_purchase
        assert product.rating_count == 0

    def test_verified_purchase_is_auto_approved_by_default(self, customer, product, variant):
        delivered_order(customer, variant)
        review = write(customer, product, rating=4)
        product.refresh_from_db()
        assert review.is_verified_purchase and review.is_approved
        assert (product.rating_count, product.rating_average, product.rating_4) == (1, Decimal("4.00"), 1)

    def test_auto_approval_is_a_site_setting(self, customer, product, variant, manual_moderation):
        delivered_order(customer, variant)
        review = write(customer, product)
        assert review.is_verified_purchase and review.status == ReviewStatus.PENDING

    def test_an_undelivered_order_is_not_a_verified_purchase(self, customer, product, variant):
        from tests.factories import line_for, make_order

        make_order(customer=customer, lines=[line_for(variant)])
        assert not write(customer, product).is_verified_purchase

    @pytest.mark.parametrize(
        ("rating", "title", "body"),
        [
            (0, "t", "b"),
            (6, "t", "b"),
            ("x", "t", "b"),
            (None, "t", "b"),
            (5, "", "b"),
            (5, "t", "   "),
            (5, "t" * 121, "b"),
            (5, "t", "b" * 3001),
            (5, "t\x00", "b"),
        ],
    )
    def test_bad_input_is_a_clear_error_and_writes_nothing(self, customer, product, rating, title, body):
        with pytest.raises(services.ReviewError) as error:
            services.review_create(user=customer, product=product, rating=rating, title=title, body=body)
        assert error.value.message
        assert not Review.objects.exists()

    def test_a_second_review_is_refused(self, customer, product):
        write(customer, product)
        with pytest.raises(services.ReviewError):
            write(customer, product, rating=1)
        assert Review.objects.get().rating == 5


class TestAggregates:
    def test_approve_reject_edit_delete_keep_product_and_line_in_step(self, product, line, staff):
        sibling = ProductFactory(line=line)
        users = [UserFactory() for _ in range(3)]
        a, b = write(users[0], product, rating=5), write(users[1], product, rating=2)
        c = write(users[2], sibling, rating=4)
        for review in (a, b, c):
            services.review_approve(review_id=review.pk, moderator=staff)
        product.refresh_from_db()
        line.refresh_from_db()
        assert (product.rating_count, product.rating_average, product.rating_5, product.rating_2) == (
            2,
            Decimal("3.50"),
            1,
            1,
        )
        assert (line.rating_count, line.rating_average) == (3, Decimal("3.67"))

        services.review_reject(review_id=b.pk, moderator=staff, reason="Lenguaje ofensivo")
        product.refresh_from_db()
        assert (product.rating_count, product.rating_average, product.rating_2) == (1, Decimal("5.00"), 0)

        services.review_update(user=users[0], review_id=a.pk, rating=3, title="Cambié de opinión", body="Regular.")
        product.refresh_from_db()
        # An unverified edit goes back to moderation: it stops counting until approved again.
        assert product.rating_count == 0
        services.review_approve(review_id=a.pk, moderator=staff)
        product.refresh_from_db()
        assert (product.rating_count, product.rating_average, product.rating_3) == (1, Decimal("3.00"), 1)

        services.review_delete(user=users[2], review_id=c.pk)
        line.refresh_from_db()
        assert (line.rating_count, line.rating_average) == (1, Decimal("3.00"))

    def test_the_shown_rating_is_one_rounded_number(self, product):
        Product.objects.filter(pk=product.pk).update(rating_average=Decimal("4.65"), rating_count=2)
        product.refresh_from_db()
        assert product.rating_shown == Decimal("4.7")

    def test_reject_needs_a_reason(self, customer, product, staff):
        review = write(customer, product)
        with pytest.raises(services.ReviewError):
            services.review_reject(review_id=review.pk, moderator=staff, reason="  ")
        review.refresh_from_db()
        assert review.status == ReviewStatus.PENDING


class TestOwnership:
    def test_another_users_review_cannot_be_edited_or_deleted(self, customer, other_user, product):
        review = write(customer, product)
        with pytest.raises(services.ReviewError):
            services.review_update(user=other_user, review_id=review.pk, rating=1, title="x", body="y")
        with pytest.raises(services.ReviewError):
            services.review_delete(user=other_user, review_id=review.pk)
        review.refresh_from_db()
        assert (review.rating, review.title) == (5, "Muy bueno")


class TestVotesAndReports:
    @pytest.fixture
    def approved(self, customer, product, staff):
        review = write(customer, product)
        return services.review_approve(review_id=review.pk, moderator=staff)

    def test_vote_once_never_on_ones_own(self, approved, customer, other_user):
        assert services.review_vote_helpful(user=other_user, review_id=approved.pk).helpful_count == 1
        with pytest.raises(services.ReviewError):
            services.review_vote_helpful(user=other_user, review_id=approved.pk)
        with pytest.raises(services.ReviewError):
            services.review_vote_helpful(user=customer, review_id=approved.pk)
        approved.refresh_from_db()
        assert approved.helpful_count == 1 and ReviewVote.objects.count() == 1

    def test_pending_reviews_cannot_be_voted(self, product, customer, other_user):
        review = write(customer, product)
        with pytest.raises(services.ReviewError):
            services.review_vote_helpful(user=other_user, review_id=review.pk)

    @override_config(REVIEWS_REPORTS_TO_HIDE=2)
    def test_enough_reports_hide_the_review_for_moderation(self, approved, product):
        services.review_report(user=UserFactory(), review_id=approved.pk)
        approved.refresh_from_db()
        assert approved.is_approved
        services.review_report(user=UserFactory(), review_id=approved.pk)
        approved.refresh_from_db()
        product.refresh_from_db()
        assert approved.status == ReviewStatus.PENDING and approved.hidden_by_reports
        assert product.rating_count == 0

    def test_report_twice_or_own_is_refused(self, approved, customer, other_user):
        services.review_report(user=other_user, review_id=approved.pk)
        with pytest.raises(services.ReviewError):
            services.review_report(user=other_user, review_id=approved.pk)
        with pytest.raises(services.ReviewError):
            services.review_report(user=customer, review_id=approved.pk)
        approved.refresh_from_db()
        assert approved.report_count == 1


def test_line_aggregate_model(line):
    assert ProductLine.objects.get(pk=line.pk).rating_breakdown == [(s, 0, 0) for s in range(5, 0, -1)]
