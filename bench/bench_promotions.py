"""One hot coupon at a campaign's start, on PostgreSQL with real connections (one per buyer
process, as in bench_inventory).

- redeem: BUYERS buyers each take ATTEMPTS uses of one coupon through
  promotions.services.coupon_redeem (the conditional UPDATE on the coupon's row, the
  per-customer count under that row lock, the redemption row), one transaction per use as in
  a checkout, giving redemptions per second and checking no use is counted past max_uses;
- then the same connections run the raw single-row conditional UPDATE on the coupon, the
  ceiling any row-locking design can reach; ratio = redemptions / updates per second.

The bench makes its own coupon and orders and deletes them when it ends. BENCH_PROMO_*
variables shrink it for a quick try.
"""

import os

from django.db import connection, transaction

from orders.models import Order
from promotions.exceptions import CouponRefused
from promotions.models import Coupon, CouponRedemption
from promotions.services import coupon_redeem

from .bench_inventory import _buyers

BUYERS = int(os.environ.get("BENCH_PROMO_BUYERS", "50"))
ATTEMPTS = int(os.environ.get("BENCH_PROMO_ATTEMPTS", "10"))
TAG = "BENCH-PROMO"


def _cleanup() -> None:
    CouponRedemption.objects.filter(coupon__code__startswith=TAG).delete()
    Order.objects.filter(number__startswith=TAG).delete()
    Coupon.objects.filter(code__startswith=TAG).delete()


def _orders(count: int) -> list[int]:
    Order.objects.bulk_create(
        [Order(number=f"{TAG}-{n:06d}", email=f"bench{n}@example.pe") for n in range(count)], batch_size=1000
    )
    return list(Order.objects.filter(number__startswith=TAG).order_by("number").values_list("pk", flat=True))


def run():
    _cleanup()
    try:
        uses = BUYERS * ATTEMPTS
        coupon = Coupon.objects.create(
            code=f"{TAG}-HOT",
            name="Bench",
            kind=Coupon.Kind.PERCENTAGE,
            value=10,
            max_uses=uses,
            max_uses_per_customer=1,
        )
        raw = Coupon.objects.create(
            code=f"{TAG}-RAW", name="Bench raw", kind=Coupon.Kind.PERCENTAGE, value=10, max_uses=uses
        )
        order_ids = _orders(uses + 1)
        warm_order = Order(pk=order_ids[-1])

        def warmup():
            """One redemption, rolled back (refused once the coupon is used up: also warm)."""
            try:
                with transaction.atomic():
                    coupon_redeem(coupon=coupon, order=warm_order, customer=None, email="warm@example.pe", amount=1)
                    transaction.set_rollback(True)
            except CouponRefused:
                pass

        def redeem(index):
            for attempt in range(ATTEMPTS):
                n = index * ATTEMPTS + attempt
                with transaction.atomic():
                    coupon_redeem(
                        coupon=coupon,
                        order=Order(pk=order_ids[n]),
                        customer=None,
                        email=f"bench{n}@example.pe",
                        amount=10,
                    )

        redemptions_per_second = uses / _buyers(BUYERS, redeem, warmup)

        def update(index):
            with connection.cursor() as cursor:
                for _ in range(ATTEMPTS):
                    cursor.execute(
                        "UPDATE promotions_coupon SET uses = uses + 1 WHERE id = %s AND uses < max_uses", [raw.pk]
                    )

        updates_per_second = uses / _buyers(BUYERS, update, warmup)
        coupon.refresh_from_db()
        yield {"name": "hot_coupon.buyers", "value": BUYERS, "unit": "count"}
        yield {"name": "hot_coupon.redemptions_per_second", "value": round(redemptions_per_second, 1), "unit": "1/s"}
        yield {"name": "hot_coupon.raw_updates_per_second", "value": round(updates_per_second, 1), "unit": "1/s"}
        yield {
            "name": "hot_coupon.ratio",
            "value": round(redemptions_per_second / updates_per_second, 3),
            "unit": "ratio",
        }
        yield {"name": "hot_coupon.uses_counted", "value": coupon.uses, "unit": "count"}
        yield {
            "name": "hot_coupon.redemptions",
            "value": CouponRedemption.objects.filter(coupon=coupon).count(),
            "unit": "count",
        }
        yield {"name": "hot_coupon.over_max_uses", "value": max(coupon.uses - uses, 0), "unit": "count"}
    finally:
        _cleanup()
