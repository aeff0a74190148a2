"""Demo shipping: Olva Courier (Lima and provinces), Shalom, Serpost and in-store pickup.

Prices are in soles with IGV included, by weight band (0–1, 1–5, 5–10, 10–30, 30–100 kg),
in the range Peruvian carriers charged a small shop in 2025. A zone or method that already
exists is left as it is (an administrator may have edited it): a second run changes nothing.
"""

from decimal import Decimal

from django.db import transaction

from .models import Carrier, ShippingMethod, ShippingRate, ShippingZone

LIMA = "Lima Metropolitana"
PROVINCES = "Provincias"
AMAZON = "Oriente (selva)"

ZONES = [
    {"name": LIMA, "kind": ShippingZone.Kind.LIMA_METROPOLITANA},
    {"name": PROVINCES, "kind": ShippingZone.Kind.PROVINCES},
    # Jungle departments: parcels travel by air or river, so the couriers charge more.
    {"name": AMAZON, "kind": ShippingZone.Kind.DEPARTMENTS, "departments": ["01", "16", "17", "22", "25"]},
]

BANDS = [("0", "1"), ("1", "5"), ("5", "10"), ("10", "30"), ("30", "100")]

METHODS = [
    {
        "code": "olva-lima",
        "name": "Olva Courier — Lima Metropolitana",
        "carrier": Carrier.OLVA,
        "description": "Entrega a domicilio en Lima y Callao, de lunes a sábado.",
        "min_days": 1,
        "max_days": 2,
        "free_shipping_threshold": Decimal("199.00"),
        "order": 10,
        "rates": {LIMA: ["10.00", "15.00", "22.00", "35.00", "60.00"]},
    },
    {
        "code": "olva-provincias",
        "name": "Olva Courier — provincias",
        "carrier": Carrier.OLVA,
        "description": "Entrega a domicilio en todo el Perú fuera de Lima Metropolitana.",
        "min_days": 3,
        "max_days": 6,
        "free_shipping_threshold": Decimal("499.00"),
        "order": 20,
        "rates": {
            PROVINCES: ["18.00", "28.00", "42.00", "75.00", "140.00"],
            AMAZON: ["25.00", "38.00", "58.00", "105.00", "190.00"],
        },
    },
    {
        "code": "shalom-agencia",
        "name": "Shalom — recojo en agencia",
        "carrier": Carrier.SHALOM,
        "description": "Recoge tu pedido con tu DNI en la agencia Shalom de tu ciudad.",
        "min_days": 2,
        "max_days": 5,
        "free_shipping_threshold": None,
        "order": 30,
        "rates": {PROVINCES: ["12.00", "18.00", "26.00", "45.00", "85.00"]},
    },
    {
        "code": "serpost",
        "name": "Serpost — envío nacional",
        "carrier": Carrier.SERPOST,
        "description": "Correo nacional: llega a todo el Perú, hasta 30 kg.",
        "min_days": 5,
        "max_days": 10,
        "free_shipping_threshold": None,
        "order": 40,
        "rates": {
            LIMA: ["8.00", "14.00", "24.00", "40.00"],
            PROVINCES: ["12.00", "20.00", "32.00", "55.00"],
        },
    },
    {
        "code": "recojo-tienda",
        "name": "Recojo en tienda (Miraflores)",
        "carrier": Carrier.PICKUP,
        "description": "Av. Larco 345, Miraflores. Lunes a sábado de 10:00 a 20:00, con tu DNI y el número de pedido.",
        "min_days": 1,
        "max_days": 1,
        "free_shipping_threshold": None,
        "order": 5,
        "rates": {LIMA: ["0.00"] * len(BANDS)},
    },
]


@transaction.atomic
def load_demo_shipping() -> dict[str, int]:
    """Create the demo zones, methods and rates that are missing; return how many of each."""
    created = {"zones": 0, "methods": 0, "rates": 0}
    zones = {}
    for spec in ZONES:
        zone, was_created = ShippingZone.objects.get_or_create(
            name=spec["name"], defaults={"kind": spec["kind"], "departments": spec.get("departments", [])}
        )
        zones[zone.name] = zone
        created["zones"] += was_created
    for spec in METHODS:
        fields = {key: value for key, value in spec.items() if key not in ("code", "rates")}
        method, was_created = ShippingMethod.objects.get_or_create(code=spec["code"], defaults=fields)
        if not was_created:
            continue
        created["methods"] += 1
        rates = [
            ShippingRate(
                method=method,
                zone=zones[zone_name],
                weight_from=Decimal(low),
                weight_to=Decimal(high),
                price=Decimal(price),
            )
            for zone_name, prices in spec["rates"].items()
            for (low, high), price in zip(BANDS, prices, strict=False)
        ]
        for rate in rates:
            rate.full_clean()
        ShippingRate.objects.bulk_create(rates)
        created["rates"] += len(rates)
    return created
