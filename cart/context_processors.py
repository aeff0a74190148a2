from .selectors import cart_units, request_cart


def mini_cart(request) -> dict:
    """The header's unit count (one read of the cart hash, none for a shopper without a cart)."""
    return {"cart_units": cart_units(request_cart(request))}
