from django.utils.functional import SimpleLazyObject


def payment_methods(request) -> dict:
    """PAYMENT_METHODS: the names of the methods checkout offers, for the footer (read only by a
    page that shows them)."""
    from .selectors import payment_method_names_offered

    return {"PAYMENT_METHODS": SimpleLazyObject(payment_method_names_offered)}
