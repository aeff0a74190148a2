"""What every bench that buys needs of the store, as `demo_data` sets it up: shipping to every
department, the test gateway, and the policies a guest accepts at checkout. Without published
policies the checkout asks for no acceptance and records no consent: cheaper than a real store's."""

from demo.complaints import publish_demo_policies
from demo.shipping import load_demo_shipping
from payments.services import payment_method_ensure_test_gateway


def shop_open() -> None:
    load_demo_shipping()
    payment_method_ensure_test_gateway()
    publish_demo_policies()
