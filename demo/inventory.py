"""Demo inventory: three warehouses, stock for every variant, suppliers and purchase orders.

Stock is written with set-based SQL (one INSERT … SELECT per warehouse for the levels and
one for their opening receipt movements), so 200,000 variants load in seconds and the
ledger stays consistent (on_hand = Σ movements). Figures derive from the variant id, so a
reload gives the same picture: about one variant in eleven has no stock anywhere, each shelf's
reorder point and maximum follow the stock it usually holds, and a few levels (one in thirty or
so) sit at or below their reorder point, as a store that reorders in time has. Purchase orders
go through the services, each to the supplier of its products, at costs below the shelf price.
Every part is skipped when already there: a second run changes nothing.
"""

import random
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone
from tqdm import tqdm

from catalog.models import Product, Variant
from inventory import services
from inventory.models import Movement, PurchaseOrder, StockLevel, Supplier, Warehouse

OPENING_REASON = "Stock inicial (demo)"

WAREHOUSES: list[dict[str, Any]] = [
    {
        "code": "LIM-CENTRAL",
        "name": "Lima central",
        "kind": Warehouse.Kind.OWN,
        "priority": 10,
        "address": "Av. Argentina 2833, Cercado de Lima",
    },
    {
        "code": "AQP",
        "name": "Arequipa",
        "kind": Warehouse.Kind.OWN,
        "priority": 20,
        "address": "Parque Industrial, Av. Alfonso Ugarte 402, Arequipa",
    },
    {
        "code": "DROP-ANDINO",
        "name": "Proveedor dropshipping Andino",
        "kind": Warehouse.Kind.DROPSHIPPING,
        "priority": 90,
        "address": "Jr. Gamarra 1020, La Victoria, Lima",
    },
]

# Each supplier's trade: the demo categories (and, for local makers, the brands) it supplies;
# purchase orders buy from it only those.
LOCAL_STREET_BRANDS = ["Kallpa Street", "Inti Wear", "Wayra Urban", "Chaski Club"]
SUPPLIERS: list[dict[str, Any]] = [
    {
        "name": "Importaciones Tecnológicas del Sur S.A.C.",
        "ruc": "20603456786",
        "contact_name": "Jorge Salazar",
        "email": "ventas@itsur.pe",
        "phone": "014567890",
        "supplies": ["tarjetas-graficas", "laptops", "monitores", "teclados", "mouse", "audifonos"],
        "brands": None,
    },
    {
        "name": "Textiles Andinos S.A.",
        "ruc": "20551234984",
        "contact_name": "María Huamán",
        "email": "pedidos@textilesandinos.pe",
        "phone": "054231456",
        "supplies": ["hoodies", "polos"],
        "brands": LOCAL_STREET_BRANDS,
    },
    {
        "name": "Muebles y Diseño Perú E.I.R.L.",
        "ruc": "20487654320",
        "contact_name": "Luis Cárdenas",
        "email": "contacto@mueblesdiseno.pe",
        "phone": "016549873",
        "supplies": [
            "sofas",
            "mesas-de-comedor",
            "mesas-de-centro",
            "sillas-de-comedor",
            "sillas-de-oficina",
            "escritorios",
        ],
        "brands": [
            "Casa Andina Muebles",
            "Maderas del Sur",
            "Tambo Diseño",
            "Qori Home",
            "Mobilia Lima",
            "Básicos Kallpa",
            "OfiPro",
        ],
    },
    # A Gamarra workshop (caps and printed polos) whose owner invoices with his own RUC.
    {
        "name": "Carlos Mendoza Rojas (persona natural)",
        "ruc": "10423456782",
        "contact_name": "Carlos Mendoza",
        "email": "cmendoza@example.pe",
        "phone": "987123456",
        "supplies": ["gorras", "polos"],
        "brands": LOCAL_STREET_BRANDS,
    },
]
TRADE_FIELDS = ("supplies", "brands")

# Per warehouse: which variants it stocks, how many units, its reorder point (minimum) and maximum
# (SQL over {n}, the variant's number in the order the variants were made, 1 for the first, and the
# product's price p.base_price; %% is the modulo operator once the driver has read its placeholders).
# A number, not the id: ids go on from wherever the database's sequence stands (after a --reset, from
# the old catalog's), and the same demo must get the same stock. A shelf's usual stock (fewer laptops
# than polos: the dearer, the fewer) sets its reorder point (about a sixth of it, so a few days of
# sales) and its maximum (twice it); one level in 29 (Lima) or 23 (Arequipa) has run down to or below it.
# One variant in 31 is stocked in Arequipa only (sold to Lima from there: an order in two legs).
NO_STOCK = "{n} %% 11 = 0"
LIMA_USUAL = (
    "(CASE WHEN p.base_price >= 1000 THEN 2 + {n} %% 9 WHEN p.base_price >= 300 THEN 4 + {n} %% 21 "
    "ELSE 6 + {n} %% 45 END)"
)
AREQUIPA_USUAL = "(CASE WHEN p.base_price >= 1000 THEN 2 + {n} %% 4 ELSE 2 + {n} %% 13 END)"
STOCK_RULES = {
    "LIM-CENTRAL": {
        "where": f"NOT ({NO_STOCK}) AND {{n}} %% 31 <> 0",
        "on_hand": f"CASE WHEN {{n}} %% 29 = 0 THEN {{n}} %% 3 ELSE {LIMA_USUAL} END",
        "minimum": f"1 + {LIMA_USUAL} / 6",
        "maximum": f"2 * {LIMA_USUAL} + 4",
    },
    "AQP": {
        "where": f"NOT ({NO_STOCK}) AND {{n}} %% 2 = 0",
        "on_hand": f"CASE WHEN {{n}} %% 23 = 0 THEN 0 ELSE {AREQUIPA_USUAL} END",
        "minimum": f"1 + {AREQUIPA_USUAL} / 5",
        "maximum": f"2 * {AREQUIPA_USUAL} + 4",
    },
    "DROP-ANDINO": {  # the supplier's own stock: no reorder point of ours
        "where": f"NOT ({NO_STOCK}) AND {{n}} %% 5 = 1",
        "on_hand": "20 + {n} %% 80",
        "minimum": "0",
        "maximum": "NULL",
    },
}


def load_demo_inventory(*, progress: bool = True) -> dict:
    """Load what is missing; return counts of what the inventory holds afterwards."""
    with transaction.atomic():
        warehouses = _warehouses()
        _stock(warehouses, progress=progress)
        suppliers = _suppliers()
        _purchase_orders(warehouses, suppliers)
    if connection.vendor == "postgresql":
        # Fresh planner statistics after the bulk insert: with stale ones PostgreSQL expects a
        # few dozen stock levels where there are hundreds of thousands, and picks bad plans.
        with connection.cursor() as cursor:
            for model in (StockLevel, Movement):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return {
        "warehouses": Warehouse.objects.count(),
        "stock_levels": StockLevel.objects.count(),
        "movements": Movement.objects.count(),
        "suppliers": Supplier.objects.count(),
        "purchase_orders": PurchaseOrder.objects.count(),
    }


def delete_demo_stock() -> None:
    """Empty the stock tables (ledger, holds, levels, purchase orders) so the demo catalog can be
    loaded again; warehouses and suppliers stay. The ledger is append-only for everyone else:
    only this demo reset deletes it, in plain SQL."""
    from inventory.models import PurchaseOrderLine, Reservation

    with transaction.atomic(), connection.cursor() as cursor:
        for model in (Movement, Reservation, PurchaseOrderLine, PurchaseOrder, StockLevel):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")
            history = getattr(model, "history", None)
            if history is not None:
                cursor.execute(f"DELETE FROM {history.model._meta.db_table}")


def _warehouses() -> dict[str, Warehouse]:
    found = {}
    for fields in WAREHOUSES:
        found[fields["code"]], _ = Warehouse.objects.get_or_create(code=fields["code"], defaults=fields)
    return found


def _stock(warehouses: dict[str, Warehouse], *, progress: bool) -> None:
    level_table, movement_table = StockLevel._meta.db_table, Movement._meta.db_table
    variant_table, product_table = Variant._meta.db_table, Product._meta.db_table
    now = timezone.now()
    first = Variant.objects.aggregate(first=Min("pk"))["first"] or 1
    number = f"(v.id - {int(first) - 1})"
    with connection.cursor() as cursor:
        for code, rule in tqdm(STOCK_RULES.items(), desc="Inventario", unit="almacén", disable=not progress):
            warehouse = warehouses[code]
            if StockLevel.objects.filter(warehouse=warehouse).exists():
                continue  # this warehouse's demo stock is already there
            on_hand, minimum, maximum, where = (
                rule[part].format(n=number) for part in ("on_hand", "minimum", "maximum", "where")
            )
            cursor.execute(
                f"INSERT INTO {level_table} (variant_id, warehouse_id, on_hand, minimum, maximum, bin_location) "
                f"SELECT v.id, %s, {on_hand}, {minimum}, {maximum}, "
                f"'R' || ({number} %% 20 + 1) || '-' || ({number} %% 6 + 1) FROM {variant_table} v "
                f"JOIN {product_table} p ON p.id = v.product_id WHERE p.product_type <> %s AND {where}",
                [warehouse.pk, Product.Type.BUNDLE],  # a bundle's stock is its components
            )
            cursor.execute(
                f"INSERT INTO {movement_table} (stock_level_id, kind, quantity, reference_type, reason, created_at) "
                f"SELECT id, %s, on_hand, %s, %s, %s FROM {level_table} WHERE warehouse_id = %s AND on_hand > 0",
                [Movement.Kind.RECEIPT, Movement.Reference.MANUAL, OPENING_REASON, now, warehouse.pk],
            )


def _suppliers() -> list[Supplier]:
    return [
        Supplier.objects.get_or_create(
            ruc=row["ruc"], defaults={key: value for key, value in row.items() if key not in TRADE_FIELDS}
        )[0]
        for row in SUPPLIERS
    ]


def _purchase_orders(warehouses: dict[str, Warehouse], suppliers: list[Supplier]) -> None:
    """Five orders, one per status, through the services (so receipts are in the ledger); each buys
    from its supplier three of the products it supplies (an order is skipped when the catalog has none)."""
    if PurchaseOrder.objects.exists():
        return
    lima, aqp = warehouses["LIM-CENTRAL"], warehouses["AQP"]
    buyer = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    plan = [
        ("received", 0, lima),
        ("partially_received", 1, lima),
        ("ordered", 2, lima),
        ("draft", 0, aqp),
        ("cancelled", 3, lima),
    ]
    for index, (status, which, warehouse) in enumerate(plan):
        lines = _purchase_lines(SUPPLIERS[which], warehouse=warehouse, skip=3 * index, seed=index)
        if not lines:
            continue
        order = services.purchase_order_create(
            supplier=suppliers[which], warehouse=warehouse, lines=lines, notes="Pedido de demostración", actor=buyer
        )
        if status == "draft":
            continue
        if status == "cancelled":
            services.purchase_order_cancel(purchase_order=order, actor=buyer)
            continue
        services.purchase_order_place(purchase_order=order, actor=buyer)
        if status == "received":
            services.purchase_order_receive(
                purchase_order=order,
                actor=buyer,
                quantities={line.pk: line.quantity_ordered for line in order.lines.all()},
            )
        elif status == "partially_received":
            first = order.lines.order_by("pk").first()
            assert first is not None  # the order was made with its lines
            services.purchase_order_receive(
                purchase_order=order, actor=buyer, quantities={first.pk: first.quantity_ordered // 2}
            )


def _purchase_lines(trade: dict, *, warehouse: Warehouse, skip: int, seed: int) -> list[tuple[int, int, Decimal]]:
    """(variant, quantity, unit cost before IGV) for up to three of the supplier's products that the
    warehouse carries (one variant each; `skip` gives each order others): fewer units of what costs
    more, bought at 55-75 % of the shelf price without IGV."""
    carried = StockLevel.objects.filter(warehouse=warehouse).values("variant_id")
    products = (
        Product.objects.filter(
            status=Product.Status.ACTIVE,
            product_type=Product.Type.PHYSICAL,
            category__slug__in=trade["supplies"],
            variants__in=carried,
        )
        .distinct()
        .order_by("pk")
    )
    if trade["brands"] is not None:
        products = products.filter(brand__name__in=trade["brands"])
    ids = list(products.values_list("pk", flat=True)[: skip + 3])
    chosen = ids[skip:] if len(ids) > skip else ids[:3]  # a small catalog: the same products again
    r = random.Random(f"demo-purchase:{seed}")
    net = 1 + Decimal(str(settings.IGV_RATE))
    lines, bought = [], set()
    variants = Variant.objects.filter(product_id__in=chosen, is_active=True, pk__in=carried).select_related("product")
    for variant in variants.order_by("product_id", "order", "pk"):
        if variant.product_id in bought:
            continue
        bought.add(variant.product_id)
        price = variant.price
        quantity = r.randint(3, 8) if price >= 1000 else r.randint(8, 20) if price >= 300 else r.randint(20, 48)
        cost = (price / net * Decimal(str(r.uniform(0.55, 0.75)))).quantize(Decimal("0.01"))
        lines.append((variant.pk, quantity, cost))
    return lines
