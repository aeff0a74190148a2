"""How each payment method is recognised at a glance, and the order Peruvian stores show them in:
the phone first (Yape, then PagoEfectivo / banca móvil), then cards (Visa / Mastercard, in
cuotas), then Mercado Pago and PayPal. Read from the method's kind and gateway, so a method staff
add or rename keeps its place; staff's own order sorts within a group."""

from collections.abc import Iterable

from .models import PaymentMethod, Provider

# The marks, in the order a shopper in Peru looks for them.
PHONE_FIRST = ("yape", "pagoefectivo", "card", "mercadopago", "paypal", "other")


def payment_mark(method: PaymentMethod) -> str:
    """Which mark a method shows (one of PHONE_FIRST)."""
    words = f"{method.code} {method.name}".lower()
    if "yape" in words:
        return "yape"
    if method.kind == PaymentMethod.Kind.TRANSFER or "pagoefectivo" in words:
        return "pagoefectivo"
    if method.provider == Provider.MERCADOPAGO:
        return "mercadopago"
    if method.provider == Provider.PAYPAL:
        return "paypal"
    if method.kind == PaymentMethod.Kind.CARD:
        return "card"
    return "other"


def phone_first(methods: Iterable[PaymentMethod]) -> list[PaymentMethod]:
    """The methods in PHONE_FIRST's order (staff's order and the name within a mark)."""
    return sorted(methods, key=lambda method: (PHONE_FIRST.index(payment_mark(method)), method.order, method.name))
