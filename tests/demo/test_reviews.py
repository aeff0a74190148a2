"""Demo reviews read like different people wrote them: no two have the same body."""

import pytest

from demo.reviews import BODIES, POPULAR_PRODUCTS, load_demo_reviews
from reviews.models import Review
from tests.factories import ProductFactory, VariantFactory

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
