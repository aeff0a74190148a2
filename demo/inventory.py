"""Demo inventory: three warehouses, stock for every variant, suppliers and purchase orders.

Stock is written with set-based SQL (one INSERT … SELECT per warehouse for the levels and
one for their opening receipt movements), so 200,000 variants load in seconds and the
ledger stays consistent (on_hand = Σ movements). Figures derive from the variant id, so a
reload gives the same picture: about one variant in eleven has no stock anywhere, and a
share of the rest sits at or below its minimum. Purchase orders go through the services.
Every part is skipped when already there: a second run changes nothing.
"""

from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from catalog.models import Product, Variant

from inventory import services
from inventory.models import Movement, PurchaseOrder, StockLevel, Supplier, Warehouse

OPENING_REASON = "Stock inicial (demo)"

WAREHOUSES = [
    {"code": "LIM-CENTRAL", "name": "Lima central", "kind": Warehouse.Kind.OWN, "priority": 10,
     "address": "Av. Argentina 2833, Cercado de Lima"},
    {"code": "AQP", "name": "Arequipa", "kind": Warehouse.Kind.OWN, "priority": 20,
     "address": "Parque Industrial, Av. Alfonso Ugarte 402, Arequipa"},
    {"code": "DROP-ANDINO", "name": "Proveedor dropshipping Andino", "kind": Warehouse.Kind.DROPSHIPPING,
     "priority": 90, "address": "Jr. Gamarra 1020, La Victoria, Lima"},
]

SUPPLIERS = [
    {"name": "Importaciones Tecnológicas del Sur S.A.C.", "ruc": "20603456786", "contact_name": "Jorge Salazar",
     "email": "ventas@itsur.pe", "phone": "014567890"},
    {"name": "Textiles Andinos S.A.", "ruc": "20551234984", "contact_name": "María Huamán",
     "email": "pedidos@textilesandinos.pe", "phone": "054231456"},
    {"name": "Muebles y Diseño Perú E.I.R.L.", "ruc": "20487654320", "contact_name": "Luis Cárdenas",
     "email": "contacto@mueblesdiseno.pe", "phone": "016549873"},
    {"name": "Carlos Mendoza Rojas (persona natural)", "ruc": "10423456782", "contact_name": "Carlos Mendoza",
     "email": "cmendoza@example.pe", "phone": "987123456"},
]

# Per warehouse: which variants it stocks, how many units, its minimum and maximum (SQL over v.id;
# %% is the modulo operator once the driver has read its placeholders).
NO_STOCK = "v.id %% 11 = 0"
STOCK_RULES = {
    "LIM-CENTRAL": {
        "where": f"NOT ({NO_STOCK})",
        "on_hand": "CASE WHEN v.id %% 7 = 0 THEN v.id %% 4 ELSE 5 + v.id %% 46 END",  # 1 in 7 low or out
        "minimum": "5", "maximum": "80",
    },
    "AQP": {
        "where": f"NOT ({NO_STOCK}) AND v.id %% 2 = 0",
        "on_hand": "CASE WHEN v.id %% 5 = 0 THEN 0 ELSE v.id %% 13 END",
        "minimum": "2", "maximum": "30",
    },
    "DROP-ANDINO": {
        "where": f"NOT ({NO_STOCK}) AND v.id %% 5 = 1",
        "on_hand": "20 + v.id %% 80",
        "minimum": "0", "maximum": "NULL",
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
        "warehouses": Warehouse.objects.count(), "stock_levels": StockLevel.objects.count(),
        "movements": Movement.objects.count(), "suppliers": Supplier.objects.count(),
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
    with connection.cursor() as cursor:
        for code, rule in tqdm(STOCK_RULES.items(), desc="Inventario", unit="almacén", disable=not progress):
            warehouse = warehouses[code]
            if StockLevel.objects.filter(warehouse=warehouse).exists():
                continue  # this warehouse's demo stock is already there
            cursor.execute(
                f"INSERT INTO {level_table} (variant_id, warehouse_id, on_hand, minimum, maximum, bin_location) "
                f"SELECT v.id, %s, {rule['on_hand']}, {rule['minimum']}, {rule['maximum']}, "
                f"'R' || (v.id %% 20 + 1) || '-' || (v.id %% 6 + 1) FROM {variant_table} v "
                f"JOIN {product_table} p ON p.id = v.product_id WHERE p.product_type <> %s AND {rule['where']}",
                [warehouse.pk, Product.Type.BUNDLE],  # a bundle's stock is its components
            )
            cursor.execute(
                f"INSERT INTO {movement_table} (stock_level_id, kind, quantity, reference_type, reason, created_at) "
                f"SELECT id, %s, on_hand, %s, %s, %s FROM {level_table} WHERE warehouse_id = %s AND on_hand > 0",
                [Movement.Kind.RECEIPT, Movement.Reference.MANUAL, OPENING_REASON, now, warehouse.pk],
            )


def _suppliers() -> list[Supplier]:
    return [Supplier.objects.get_or_create(ruc=fields["ruc"], defaults=fields)[0] for fields in SUPPLIERS]


def _purchase_orders(warehouses: dict[str, Warehouse], suppliers: list[Supplier]) -> None:
    """Five orders, one per status, through the services (so receipts are in the ledger)."""
    if PurchaseOrder.objects.exists():
        return
    variants = list(Variant.objects.filter(is_active=True).exclude(product__product_type=Product.Type.BUNDLE).order_by("pk").values_list("pk", flat=True)[:15])
    if len(variants) < 15:
        return
    lima, aqp = warehouses["LIM-CENTRAL"], warehouses["AQP"]
    plan = [("received", suppliers[0], lima), ("partially_received", suppliers[1], aqp),
            ("ordered", suppliers[2], lima), ("draft", suppliers[0], aqp), ("cancelled", suppliers[3], lima)]
    for index, (status, supplier, warehouse) in enumerate(plan):
        lines = [(variant_id, 10 + 5 * n, Decimal("18.50") + 12 * n + index)
                 for n, variant_id in enumerate(variants[index * 3:index * 3 + 3])]
        order = services.purchase_order_create(supplier=supplier, warehouse=warehouse, lines=lines,
                                               notes="Pedido de demostración")
        if status == "draft":
            continue
        if status == "cancelled":
            services.purchase_order_cancel(purchase_order=order)
            continue
        services.purchase_order_place(purchase_order=order)
        if status == "received":
            services.purchase_order_receive(purchase_order=order, quantities={
                line.pk: line.quantity_ordered for line in order.lines.all()})
        elif status == "partially_received":
            first = order.lines.order_by("pk").first()
            services.purchase_order_receive(purchase_order=order, quantities={first.pk: first.quantity_ordered // 2})
