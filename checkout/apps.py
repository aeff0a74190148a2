from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    """Checkout: the layer above orders, cart, shipping, payments and credit that turns a cart
    into a placed order and starts its payment. It has no models of its own."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "checkout"
