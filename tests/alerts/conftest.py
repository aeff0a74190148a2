import pytest

from legal.models import PolicyKind
from tests.factories import OptionValueFactory, ProductFactory, VariantFactory, publish, stock


@pytest.fixture
def polera_m_sold_out(db, warehouse):
    """A polera whose size M is sold out and size S is in stock."""
    product = ProductFactory(name="Polera Andina", slug="polera-andina")
    small = VariantFactory(product=product, sku="POL-S", values=[OptionValueFactory(slug="s", value="S")])
    medium = VariantFactory(product=product, sku="POL-M", values=[OptionValueFactory(slug="m", value="M")])
    stock(small, warehouse, 5)
    stock(medium, warehouse, 0)
    return product


@pytest.fixture
def sold_out(polera_m_sold_out):
    return polera_m_sold_out.variants.get(sku="POL-M")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what waits for the commit (the alerts' tasks) as the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def policies(db):
    """The terms and the privacy policy, published (what checkout asks a guest to accept)."""
    return {
        PolicyKind.TERMS: publish(PolicyKind.TERMS),
        PolicyKind.PRIVACY: publish(PolicyKind.PRIVACY, title="Política de privacidad", body="Tus datos."),
    }
