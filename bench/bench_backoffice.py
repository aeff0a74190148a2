"""The back office over 100,000 paid orders: `sales_report --by day` and `seller_payouts` over a year
(time), and the admin index with its dashboard (time and SQL queries), as a superuser and as a seller.

The orders are bench rows written in bulk (checkout through the services would take hours for
100,000), kept between runs: paid orders spread over the last 365 days, one or two lines each,
shipping addresses in several departments, a quarter of the lines a seller's."""

import os
import random
from datetime import timedelta
from decimal import Decimal
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tqdm import tqdm

from bench.bench_fulfilment import _variant
from bench.timing import figures, measure
from orders.models import Order, OrderLine, OrderStatus, PaymentStatus

ORDERS = int(os.environ.get("BENCH_BACKOFFICE_ORDERS", "100000"))
PREFIX = "BO-BENCH-"
DEPARTMENTS = ["15", "15", "15", "04", "08", "13", "20", "14"]
BATCH = 5000


def _seller():
    from accounts.models import Seller

    User = get_user_model()
    user = User.objects.filter(email="bench-seller@example.pe").first() or User.objects.create_user(
        email="bench-seller@example.pe", password="bench-seller-pass", is_staff=True
    )
    seller, _ = Seller.objects.get_or_create(
        user=user,
        defaults={"store_name": "Bench Seller", "slug": "bench-seller", "ruc": "20512345671", "is_approved": True},
    )
    return seller


def _make_orders(count: int, start: int, variant, seller) -> None:
    rng = random.Random(start)
    now = timezone.now()
    for offset in tqdm(range(0, count, BATCH), desc="Bench orders", unit="batch"):
        size = min(BATCH, count - offset)
        orders, lines = [], []
        for index in range(start + offset, start + offset + size):
            paid_at = now - timedelta(days=rng.randrange(365), minutes=rng.randrange(1440))
            quantity = rng.randint(1, 3)
            price = Decimal(rng.randrange(1990, 29990)) / 100
            total = price * quantity
            orders.append(
                Order(
                    number=f"{PREFIX}{index:07d}",
                    email="bench-bo@example.pe",
                    status=OrderStatus.PAID,
                    payment_status=PaymentStatus.PAID,
                    subtotal=total,
                    total=total,
                    placed_at=paid_at,
                    paid_at=paid_at,
                    shipping_address={"department": rng.choice(DEPARTMENTS), "recipient": "Bench"},
                )
            )
            lines.append((quantity, price, total, seller if index % 4 == 0 else None))
        created = Order.objects.bulk_create(orders)
        OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=order,
                    variant=variant,
                    product_name=variant.product.name,
                    sku=variant.sku,
                    unit_price=price,
                    quantity=quantity,
                    line_total=total,
                    seller=line_seller,
                )
                for order, (quantity, price, total, line_seller) in zip(created, lines)
            ]
        )


def run():
    variant = _variant()
    seller = _seller()
    existing = Order.objects.filter(number__startswith=PREFIX).count()
    if existing < ORDERS:
        _make_orders(ORDERS - existing, existing, variant, seller)
    if connection.vendor == "postgresql":  # fresh statistics after the bulk insert
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE orders_order, orders_orderline")

    today = timezone.localdate()
    since = (today - timedelta(days=364)).isoformat()

    def report():
        call_command(
            "sales_report",
            "--by",
            "day",
            "--from",
            since,
            "--to",
            today.isoformat(),
            "--format",
            "csv",
            stdout=StringIO(),
            verbosity=0,
        )

    results = figures("sales_report_by_day_365d", measure(report, repeat=5, warmup=1))

    def payouts():  # every seller's payout over the year: a fixed handful of aggregate queries
        call_command(
            "seller_payouts",
            "--from",
            since,
            "--to",
            today.isoformat(),
            "--format",
            "csv",
            stdout=StringIO(),
            verbosity=0,
        )

    results += figures("seller_payouts_365d", measure(payouts, repeat=5, warmup=1))

    User = get_user_model()
    admin = User.objects.filter(email="bench-operator@example.pe").first() or User.objects.create_superuser(
        email="bench-operator@example.pe", password="bench-operator-pass"
    )
    for who, user in (("staff", admin), ("seller", seller.user)):
        client = Client()
        client.force_login(user)

        def index(client=client):
            response = client.get("/admin/")
            assert response.status_code == 200

        with CaptureQueriesContext(connection) as queries:
            index()
        results.append({"name": f"dashboard_{who}.queries", "value": len(queries), "unit": "count"})
        results += figures(f"dashboard_{who}", measure(index, repeat=10, warmup=2))
    results.append(
        {"name": "orders", "value": Order.objects.filter(number__startswith=PREFIX).count(), "unit": "count"}
    )
    return results
