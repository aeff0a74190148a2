import time

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from cart.models import CartClient
from legal.models import PolicyKind

from cart.store import CART_TTL_SECONDS, RedisCartStore, cart_store
from tests.factories import OptionValueFactory, ProductFactory, VariantFactory, WarehouseFactory, publish, stock


@pytest.fixture
def warehouse(db):
    return WarehouseFactory()


@pytest.fixture
def hoodie(db, warehouse):
    """A hoodie whose size M is sold out and size S is in stock."""
    product = ProductFactory(name="Polera Andina", slug="polera-andina")
    small = VariantFactory(product=product, sku="POL-S", values=[OptionValueFactory(slug="s", value="S")])
    medium = VariantFactory(product=product, sku="POL-M", values=[OptionValueFactory(slug="m", value="M")])
    stock(small, warehouse, 5)
    stock(medium, warehouse, 0)
    return product


@pytest.fixture
def sold_out(hoodie):
    return hoodie.variants.get(sku="POL-M")


def age_cart(cart_id: str, hours: float) -> None:
    """Make the cart look last written `hours` ago: the store's own clock (Redis' time to live) and
    the client the cart app recorded on the last add."""
    CartClient.objects.filter(cart_key=cart_id).update(seen_at=timezone.now() - timedelta(hours=hours))
    store = cart_store()
    seconds = int(hours * 3600)
    if isinstance(store, RedisCartStore):
        store.client.expire(store._key(cart_id), CART_TTL_SECONDS - seconds)
    else:
        cache.set(store._touched_key(cart_id), time.time() - seconds, CART_TTL_SECONDS)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what waits for the commit (the alerts' tasks) as the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def policies(db):
    """The terms and the privacy policy, published (what checkout asks a guest to accept)."""
    return {PolicyKind.TERMS: publish(PolicyKind.TERMS),
            PolicyKind.PRIVACY: publish(PolicyKind.PRIVACY, title="Política de privacidad", body="Tus datos.")}
