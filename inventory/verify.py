"""Replay the ledger against the stored figures (inventory_verify). Each check is one
set-based query; each returns the rows that disagree."""

from django.db.models import Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import Movement, PurchaseOrderLine, Reservation, StockLevel


def on_hand_mismatches():
    """on_hand differs from the sum of the level's movements."""
    moved = (
        Movement.objects.filter(stock_level_id=OuterRef("pk"))
        .order_by()
        .values("stock_level_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    rows = (
        StockLevel.objects.annotate(ledger=Coalesce(Subquery(moved, output_field=IntegerField()), Value(0)))
        .exclude(on_hand=F("ledger"))
        .select_related("variant", "warehouse")
        .order_by("pk")
    )
    for level in rows:
        yield {
            "check": "on_hand",
            "subject": f"{level.variant.sku} @ {level.warehouse.code}",
            "expected": level.ledger,
            "found": level.on_hand,
        }


def over_reserved():
    """Active unexpired reservations hold more than is on hand."""
    rows = (
        StockLevel.objects.with_availability()
        .filter(reserved_units__gt=F("on_hand"))
        .select_related("variant", "warehouse")
        .order_by("pk")
    )
    for level in rows:
        yield {
            "check": "reserved",
            "subject": f"{level.variant.sku} @ {level.warehouse.code}",
            "expected": f"<= {level.on_hand}",
            "found": level.reserved_units,
        }


def converted_without_sale():
    """A converted reservation must have exactly its sale movement (−quantity)."""
    sale = Movement.objects.filter(
        reservation_id=OuterRef("pk"), kind=Movement.Kind.SALE, quantity=-OuterRef("quantity")
    )
    for reservation in Reservation.objects.filter(status=Reservation.Status.CONVERTED).filter(~Exists(sale)):
        yield {
            "check": "converted",
            "subject": f"reservation {reservation.pk}",
            "expected": f"sale of {reservation.quantity}",
            "found": "none",
        }
    stray = Movement.objects.filter(reservation__isnull=False).exclude(reservation__status=Reservation.Status.CONVERTED)
    for movement in stray.select_related("reservation"):
        yield {
            "check": "converted",
            "subject": f"movement {movement.pk}",
            "expected": "converted reservation",
            "found": movement.reservation.status,
        }


def transfers_unbalanced():
    """The two movements of a transfer cancel out."""
    rows = (
        Movement.objects.filter(transfer_key__isnull=False)
        .order_by()
        .values("transfer_key")
        .annotate(total=Sum("quantity"))
        .exclude(total=0)
    )
    for row in rows:
        yield {"check": "transfer", "subject": str(row["transfer_key"]), "expected": 0, "found": row["total"]}


def purchase_lines_unmatched():
    """A purchase order line's received quantity equals its receipt movements."""
    received = (
        Movement.objects.filter(
            kind=Movement.Kind.RECEIPT,
            purchase_order_id=OuterRef("purchase_order_id"),
            stock_level__variant_id=OuterRef("variant_id"),
        )
        .order_by()
        .values("purchase_order_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    rows = (
        PurchaseOrderLine.objects.annotate(ledger=Coalesce(Subquery(received, output_field=IntegerField()), Value(0)))
        .filter(~Q(quantity_received=F("ledger")))
        .select_related("purchase_order", "variant")
    )
    for line in rows:
        yield {
            "check": "purchase_order",
            "subject": f"{line.purchase_order.number} {line.variant.sku}",
            "expected": line.ledger,
            "found": line.quantity_received,
        }


CHECKS = [
    ("on hand = Σ movements", on_hand_mismatches),
    ("reserved ≤ on hand", over_reserved),
    ("converted reservations ↔ sales", converted_without_sale),
    ("transfers balance", transfers_unbalanced),
    ("purchase receipts", purchase_lines_unmatched),
]
