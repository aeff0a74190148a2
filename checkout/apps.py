from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    """Checkout: the layer above orders, cart, shipping, payments and credit that turns a cart
        into a placed order and starts its payment. It has no models of its own. It tells the cart
    about the shopper's unpaid orders (cart.ports.unpaid_order)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "checkout"

    def ready(self) -> None:
        from cart import ports as cart

        from . import selectors

        cart.unpaid_order.plug(selectors.unpaid_order)
