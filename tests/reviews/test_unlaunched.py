"""Nobody has used a product whose drop has not started (it cannot be bought yet): the service
refuses a review of it, with a message, until the drop starts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import CollectionItem
from reviews import services
from reviews.models import Review
from tests.factories import CollectionFactory

pytestmark = pytest.mark.django_db


def test_a_product_awaiting_its_drop_cannot_be_reviewed_until_the_drop_starts(customer, product):
    drop = CollectionFactory(name="Drop Qhapaq", slug="drop-qhapaq", starts_at=timezone.now() + timedelta(days=2))
    CollectionItem.objects.create(collection=drop, product=product)

    with pytest.raises(services.ReviewError) as refused:
        services.review_create(user=customer, product=product, rating=5, title="Lindo", body="Se ve muy bien.")
    assert "todavía no está a la venta" in refused.value.message
    assert not Review.objects.exists()

    drop.starts_at = timezone.now() - timedelta(minutes=1)
    drop.save()
    services.review_create(user=customer, product=product, rating=5, title="Lindo", body="Se ve muy bien.")
    assert Review.objects.filter(product=product).count() == 1


@pytest.mark.parametrize("signed_in", [False, True])
def test_its_page_says_reviews_open_at_the_launch_instead_of_inviting_one(client, customer, product, signed_in):
    # The page invited "Sé la primera persona en opinar" while the service refused every review.
    drop = CollectionFactory(name="Drop Qhapaq", slug="drop-qhapaq", starts_at=timezone.now() + timedelta(days=2))
    CollectionItem.objects.create(collection=drop, product=product)
    if signed_in:
        client.force_login(customer)

    page = client.get(product.get_absolute_url()).content.decode()

    assert "Las opiniones se abren cuando empiece el lanzamiento." in page
    assert "Sé la primera persona en opinar" not in page
    assert "Escribir una opinión" not in page and "Inicia sesión para escribir una opinión" not in page
