"""Demo data: facturas to a company (one with a coupon, one annulled by a nota de crédito when the
store cancels the paid order), placed through checkout and paid through the test gateway as a
company's buyer does; then every paid demo order gets its receipt (issued through the same
service as a real payment, without e-mailing the demo buyers), and the factura with the coupon a
nota de débito (shipping to the province charged after the sale, issued by staff through
receipts.services.debit_note_issue). Runs after the steps that make paid orders. Each factura order
is found again by its checkout key and the note by its source, so a second run changes nothing."""

import logging
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from orders.models import Order, OrderLine, OrderStatus
from receipts.models import Receipt, ReceiptKind
from receipts.services import ReceiptError, debit_note_issue, receipt_email_claim, receipts_issue_missing

logger = logging.getLogger(__name__)

DEMO_COMPANY = ("20100047218", "Comercial Andina S.A.C.")
# (checkout scenario, coupon, cancelled by the store after payment, products, least list price):
# two products listed at S/ 120 or more pass KALLPA20's minimum of S/ 150 after any running
# automatic discount (the demo's deepest is 20 %).
DEMO_INVOICES = [
    ("factura-empresa", "", False, 1, Decimal("80.00")),
    ("factura-con-cupon", "KALLPA20", False, 2, Decimal("120.00")),
    ("factura-anulada", "", True, 1, Decimal("80.00")),
    ("factura-baja", "", False, 1, Decimal("80.00")),  # voided by a comunicación de baja (demo.sunat_answers)
]


def _unbought_variants(customer, count: int, *, min_price: Decimal) -> list:
    """Sellable variants in stock at LIM-CENTRAL of products the customer never ordered (a customer
    may hold only a few units of one product), one per product, cheapest first from min_price."""
    from demo.shipping import one_sellable_per_product
    from inventory.models import StockLevel

    bought = OrderLine.objects.filter(order__customer=customer).values("variant__product_id")
    ids = list(
        StockLevel.objects.with_availability()  # type: ignore[misc]  # available_units: an annotation lookups cannot see
        .filter(
            warehouse__code="LIM-CENTRAL",
            available_units__gte=3,
            variant__is_active=True,
            variant__product__status="active",
            variant__product__base_price__gte=min_price,
        )
        .exclude(variant__product_id__in=bought)
        .order_by("variant__product__base_price", "variant_id")
        .values_list("variant_id", flat=True)[:300]
    )
    return one_sellable_per_product(ids, count=count)


def load_demo_invoices(*, customer_email: str) -> dict[str, str]:
    """{scenario: order number} of the demo facturas that exist after the run."""
    from checkout.services import CheckoutError
    from demo.shipping import DEMO_KEY, _pay, _place
    from orders.services import order_cancel
    from shipping.models import ShippingMethod

    customer = get_user_model().objects.filter(email=customer_email).first()
    method = ShippingMethod.objects.filter(code="olva-lima", is_active=True).first()
    staff = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if customer is None or method is None or not customer.addresses.exists():
        return {}
    done = {}
    for scenario, coupon, cancelled, count, min_price in DEMO_INVOICES:
        existing = Order.objects.filter(idempotency_key=DEMO_KEY.format(scenario)).first()
        if existing is not None:
            done[scenario] = existing.number
            continue
        variants = _unbought_variants(customer, count, min_price=min_price)
        if len(variants) < count:
            continue
        try:
            with transaction.atomic():
                order = _pay(
                    _place(
                        customer=customer,
                        scenario=scenario,
                        method=method,
                        variants=variants,
                        coupon_code=coupon,
                        company=DEMO_COMPANY,
                    )
                )
                if cancelled and order.status == OrderStatus.PAID:
                    order = order_cancel(
                        order=order,
                        actor=staff,
                        by_customer=False,
                        reason="Sin stock del proveedor: anulamos el pedido y devolvemos el pago",
                    )
        except CheckoutError as error:  # a catalog edited since: the demo goes on without this factura
            logger.warning("Demo factura %s not placed: %s", scenario, error)
            continue
        done[scenario] = order.number
    return done


# The demo's nota de débito: on the factura with the coupon, what shipping to a province cost,
# charged after the sale (SUNAT catálogo 10, code 03). Its source keeps it to one however often
# the demo runs.
DEMO_DEBIT_NOTE = {
    "scenario": "factura-con-cupon",
    "amount": Decimal("18.00"),
    "reason_code": "03",
    "reason": "Envío a provincia (Arequipa) cobrado después de la venta",
    "source": "demo:debit-note",
}


def load_demo_debit_note() -> Receipt | None:
    from demo.shipping import DEMO_KEY

    original = Receipt.objects.filter(
        order__idempotency_key=DEMO_KEY.format(DEMO_DEBIT_NOTE["scenario"]), kind=ReceiptKind.FACTURA
    ).first()
    staff = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if original is None:
        return None
    try:
        return debit_note_issue(
            original_id=original.pk,
            amount=DEMO_DEBIT_NOTE["amount"],
            reason_code=str(DEMO_DEBIT_NOTE["reason_code"]),
            reason=str(DEMO_DEBIT_NOTE["reason"]),
            actor=staff,
            source=str(DEMO_DEBIT_NOTE["source"]),
        )
    except ReceiptError as error:  # a factura SUNAT rejected: no note on it
        logger.warning("Demo debit note not issued: %s", error)
        return None


def load_demo_receipts() -> int:
    issued, problems = receipts_issue_missing(notify=False)
    for problem in problems:
        logger.warning("Demo receipt not issued: %s", problem)
    load_demo_debit_note()
    # The demo buyers are not e-mailed: their receipts count as sent, or the sweep would mail them.
    for receipt_id in Receipt.objects.filter(emailed_at__isnull=True).values_list("pk", flat=True):
        receipt_email_claim(receipt_id=receipt_id).take()
    return issued
