"""Concurrent approvals, votes and reviews never lose a count (real threads, PostgreSQL)."""

from decimal import Decimal

import pytest
from django.db import connection

from reviews import services
from reviews.models import Review
from tests.factories import ProductFactory, UserFactory
from tests.threads import run_in_threads

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_concurrent_approvals_across_a_line_lose_no_count(product, line, staff):
    sibling = ProductFactory(line=line)
    reviews = [
        Review.objects.create(
            user=UserFactory(), product=product if i % 2 else sibling, rating=1 + i % 5, title="t", body="b"
        )
        for i in range(8)
    ]
    _, errors = run_in_threads(lambda i: services.review_approve(review_id=reviews[i].pk, moderator=staff), 8)

    assert errors == []
    product.refresh_from_db()
    line.refresh_from_db()
    assert product.rating_count == 4 and line.rating_count == 8
    expected = Decimal(sum(1 + i % 5 for i in range(8))) / 8
    assert line.rating_average == expected.quantize(Decimal("0.01"))


def test_concurrent_helpful_votes_all_count(product, staff):
    review = Review.objects.create(user=UserFactory(), product=product, rating=5, title="t", body="b")
    services.review_approve(review_id=review.pk, moderator=staff)
    voters = [UserFactory() for _ in range(6)]
    _, errors = run_in_threads(lambda i: services.review_vote_helpful(user=voters[i], review_id=review.pk), 6)

    assert errors == []
    review.refresh_from_db()
    assert review.helpful_count == 6 == review.votes.count()


def test_the_same_customer_posting_twice_at_once_gets_one_review(product, customer):
    def post(i):
        try:
            services.review_create(user=customer, product=product, rating=4, title=f"t{i}", body="b")
            return "created"
        except services.ReviewError:
            return "refused"

    results, errors = run_in_threads(post, 4)
    assert errors == []
    assert sorted(results) == ["created", "refused", "refused", "refused"]
    assert Review.objects.filter(user=customer).count() == 1
