from .selectors import cart_units, request_cart
from .store import CartUnavailable


def mini_cart(request) -> dict:
    """The header's unit count (one read of the cart hash, none for a shopper without a cart);
    none (the count is left out) while Redis is away, so catalog pages keep working."""
    try:
        return {"cart_units": cart_units(request_cart(request))}
    except CartUnavailable:
        return {"cart_units": None}
