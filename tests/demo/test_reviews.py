"""Demo reviews read like different people wrote them: no two have the same body."""

import pytest

from demo.reviews import BODIES, POPULAR_PRODUCTS, load_demo_reviews
from reviews.models import Review
from tests.factories import ProductFactory, VariantFactory
from tests.harness import built_then_rolled_back

pytestmark = pytest.mark.django_db


def test_no_two_demo_reviews_have_the_same_body():
    for sold in range(POPULAR_PRODUCTS):
        VariantFactory(product=ProductFactory(units_sold=100 - sold))
    written = load_demo_reviews(progress=False)
    bodies = list(Review.objects.values_list("body", flat=True))
    assert written == len(bodies) > 100
    assert len(set(bodies)) == len(bodies)
    assert load_demo_reviews(progress=False) == 0  # a second run writes nothing


def test_every_rating_has_room_for_many_different_bodies():
    for rating, (openings, details, closings) in BODIES.items():
        assert len(openings) * len(details) * len(closings) >= 27, rating


def test_the_demo_reviews_are_the_same_whatever_ids_their_rows_get(monkeypatch):
    """Seeded by ids, the reviews changed after a reset (the ids go on from the old catalog's)."""
    monkeypatch.setattr("demo.reviews.POPULAR_PRODUCTS", 6)  # a few are enough to tell

    from orders.models import Order, OrderStatus
    from tests.factories import UserFactory, line_for, make_order

    def reviews():
        variants = [
            VariantFactory(product=ProductFactory(units_sold=100 - sold, slug=f"popular-{sold}"), sku=f"POP-{sold}")
            for sold in range(6)
        ]
        order = make_order(
            customer=UserFactory(email="rosa@example.pe"),
            lines=[line_for(variants[-1])],
            idempotency_key="demo-entregado",
        )
        Order.objects.filter(pk=order.pk).update(status=OrderStatus.DELIVERED)
        load_demo_reviews(progress=False)
        return sorted(Review.objects.values_list("product__slug", "user__email", "rating", "title", "body"))

    first = built_then_rolled_back(reviews)
    assert any(email == "rosa@example.pe" for _, email, *_ in first)  # the delivered line's review
    assert reviews() == first
