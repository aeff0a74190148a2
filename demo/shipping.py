"""Demo shipping: Olva Courier (Lima and provinces), Shalom, Serpost and in-store pickup.

Prices are in soles with IGV included, by weight band (0–1, 1–5, 5–10, 10–30, 30–100 kg),
in the range Peruvian carriers charged a small shop in 2025. A zone or method that already
exists is left as it is (an administrator may have edited it): a second run changes nothing.
"""

from decimal import Decimal
from typing import Any

from django.db import transaction

from payments.services import TEST_GATEWAY_METHOD_CODE
from shipping.models import Carrier, ShippingMethod, ShippingRate, ShippingZone

LIMA = "Lima Metropolitana"
PROVINCES = "Provincias"
AMAZON = "Oriente (selva)"

ZONES: list[dict[str, Any]] = [
    {"name": LIMA, "kind": ShippingZone.Kind.LIMA_METROPOLITANA},
    {"name": PROVINCES, "kind": ShippingZone.Kind.PROVINCES},
    # Jungle departments: parcels travel by air or river, so the couriers charge more.
    {"name": AMAZON, "kind": ShippingZone.Kind.DEPARTMENTS, "departments": ["01", "16", "17", "22", "25"]},
]

PICKUP_POINT = {
    "pickup_address": "Av. Larco 345, Miraflores, Lima",
    "pickup_hours": "Lunes a sábado de 10:00 a 20:00; domingos y feriados cerrado",
}

BANDS = [("0", "1"), ("1", "5"), ("5", "10"), ("10", "30"), ("30", "100")]

METHODS: list[dict[str, Any]] = [
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
        **PICKUP_POINT,
    },
]


@transaction.atomic
def load_demo_shipping() -> dict[str, int]:
    """Create the demo zones, methods and rates that are missing; return how many of each."""
    created = {"zones": 0, "methods": 0, "rates": 0}
    # What exists is read once (this runs in hundreds of tests' set-ups: get_or_create's read and savepoint
    # for each of eight rows were half its queries); the missing rows are saved one by one, with their history.
    zones = {zone.name: zone for zone in ShippingZone.objects.filter(name__in=[spec["name"] for spec in ZONES])}
    for spec in ZONES:
        if spec["name"] not in zones:
            zones[spec["name"]] = ShippingZone.objects.create(
                name=spec["name"], kind=spec["kind"], departments=spec.get("departments", [])
            )
            created["zones"] += 1
    existing = set(
        ShippingMethod.objects.filter(code__in=[spec["code"] for spec in METHODS]).values_list("code", flat=True)
    )
    rates: list[ShippingRate] = []
    for spec in METHODS:
        if spec["code"] in existing:
            continue
        fields = {key: value for key, value in spec.items() if key not in ("code", "rates")}
        method = ShippingMethod.objects.create(code=spec["code"], **fields)
        created["methods"] += 1
        method_rates = [
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
        # The method is new, so its bands meet no stored rate: they are checked against each other in
        # memory, not by full_clean()'s five queries a rate (this runs in hundreds of tests' set-ups).
        for rate in method_rates:
            rate.clean_fields(exclude=["method", "zone"])
            rate.check_band([other for other in method_rates if other.zone is rate.zone])
        rates += method_rates
    ShippingRate.objects.bulk_create(rates)
    created["rates"] = len(rates)
    return created


# --- demo orders in every fulfilment state ------------------------------------------------

# (scenario, shipping method code, what happens after the order is placed)
DEMO_ORDERS = [
    ("pendiente-de-pago", "olva-lima", "placed"),
    ("pagado", "olva-lima", "paid"),
    ("empacado", "olva-lima", "packed"),
    ("enviado-en-parte", "olva-lima", "partially_shipped"),
    ("enviado", "serpost", "shipped"),
    ("entregado", "olva-lima", "delivered"),
    ("recojo-listo", "recojo-tienda", "ready_for_pickup"),
    ("anulado", "olva-lima", "cancelled"),
]
DEMO_KEY = "demo-pedido-{}"


def ensure_pickup_point() -> None:
    """Give the demo pickup method its store address and hours if it has none (an edited
    address is kept)."""
    ShippingMethod.objects.filter(code="recojo-tienda", pickup_address="").update(**PICKUP_POINT)


def _demo_variants(count: int, *, warehouse_code: str, elsewhere_empty: bool = False, skip: int = 0) -> list:
    """Sellable variants with units available in that warehouse (and, if asked, none in the
    warehouses sold from first), cheapest first so orders stay small; `skip` gives each
    scenario other products (a customer may hold only a few units of one product)."""
    from inventory.models import StockLevel

    levels = StockLevel.objects.with_availability().filter(  # type: ignore[misc]  # available_units: an annotation lookups cannot see
        warehouse__code=warehouse_code,
        available_units__gte=3,
        variant__is_active=True,
        variant__product__status="active",
    )
    if elsewhere_empty:
        busy = (
            StockLevel.objects.with_availability()  # type: ignore[misc]  # available_units: an annotation lookups cannot see
            .filter(available_units__gt=0)
            .exclude(warehouse__code=warehouse_code)
            .values("variant_id")
        )
        levels = levels.exclude(variant_id__in=busy)
    # Products have many variants (sizes, colours): a window of 200 variants held only 28 products of
    # `make run`'s catalog, and a scenario skipping 30 found none. The order keeps each prefix the same.
    ids = list(
        levels.order_by("variant__product__base_price", "variant_id").values_list("variant_id", flat=True)[:2000]
    )
    return one_sellable_per_product(ids, count=skip + count)[skip:]


def one_sellable_per_product(variant_ids: list[int], *, count: int) -> list:
    """Up to `count` of these variants, in their order, one per product, each sellable now (not a
    drop that has not started)."""
    from django.db.models import Q

    from cart.services import CartError, check_sellable, variants_with_sale_window

    chosen: list = []
    products: set[int] = set()
    # Read in growing windows, not all 2,000 at once: the first few dozen usually hold enough products.
    start, window = 0, max(4 * count, 50)
    while start < len(variant_ids) and len(chosen) < count:
        ids = variant_ids[start : start + window]
        position = {variant_id: index for index, variant_id in enumerate(ids)}
        for variant in sorted(variants_with_sale_window(Q(pk__in=ids)), key=lambda v: position[v.pk]):
            try:
                check_sellable(variant)
            except CartError:
                continue
            if variant.product_id not in products:
                products.add(variant.product_id)
                chosen.append(variant)
            if len(chosen) == count:
                break
        start, window = start + window, 2 * window
    return chosen


def _place(
    *,
    customer,
    scenario: str,
    method: ShippingMethod,
    variants,
    credit=None,
    credit_amount: Decimal | None = None,
    coupon_code: str = "",
    company: tuple[str, str] | None = None,
    gift_card_code: str = "",
    gift_card_amount: Decimal | None = None,
):
    """An order placed as the shopper would at checkout (optionally paying part with store credit,
    with a coupon, or asking for a factura: company = (RUC, razón social))."""
    from accounts.services import ADDRESS_FIELDS
    from cart.services import Cart, cart_add
    from checkout.forms import CheckoutAddressForm
    from checkout.services import checkout_place_order
    from checkout.state import CheckoutState

    # The saved address as checkout's address step reads it (its form resolves the ubigeo).
    address = customer.addresses.order_by("pk").first()
    initial = CheckoutAddressForm(instance=address).initial
    form = CheckoutAddressForm(data={name: initial.get(name, getattr(address, name)) or "" for name in ADDRESS_FIELDS})
    if not form.is_valid():
        raise RuntimeError(f"demo address is not valid: {form.errors.as_json()}")
    key = DEMO_KEY.format(scenario)
    cart = Cart(id=f"demo-{scenario}", customer=customer, coupon_code=coupon_code)
    for variant in variants:
        cart_add(cart=cart, sku=variant.sku, quantity=1)
    document_type, document, legal_name = (
        ("ruc", company[0], company[1]) if company else ("dni", customer.dni or "", "")
    )
    state = CheckoutState(
        email=customer.email,
        shipping=form.snapshot(),
        document_type=document_type,
        document=document,
        legal_name=legal_name,
        shipping_method_id=method.pk,
        payment_method=TEST_GATEWAY_METHOD_CODE,
        credit_id=getattr(credit, "pk", None),
        credit_amount=str(credit_amount or ""),
        gift_card_code=gift_card_code,
        gift_card_amount=str(gift_card_amount or ""),
    )
    return checkout_place_order(cart=cart, state=state, key=key, key_handed=True, customer=customer)


def _pay(order):
    from payments.services import payment_method_ensure_test_gateway, payment_start, payment_test_gateway_pay

    payment = payment_start(order=order, method=payment_method_ensure_test_gateway())
    payment_test_gateway_pay(payment=payment, actor=order.customer)
    order.refresh_from_db()
    return order


def _tracking(carrier: str, seed: int) -> str:
    from shipping.carriers import S10_WEIGHTS

    if carrier == Carrier.SERPOST:
        digits = f"{seed % 10**8:08d}"
        check = 11 - sum(int(d) * w for d, w in zip(digits, S10_WEIGHTS, strict=True)) % 11
        check = 5 if check == 11 else 0 if check == 10 else check
        return f"RR{digits}{check}PE"
    return f"400{seed % 10**5:05d}"


def load_demo_orders(*, customer_email: str = "cliente@kallpa.pe") -> dict[str, str]:
    """The demo customer's orders, one per fulfilment state, made as a shopper and the staff
    would make them: a cart, checkout, the test gateway's payment, and the shipment services.
    A scenario whose order exists (by its checkout key) is left alone: a second run changes
    nothing. Returns {scenario: order number}."""
    from django.contrib.auth import get_user_model

    from demo.despatch import issue_demo_guia
    from orders.models import Order
    from orders.services import order_cancel
    from shipping import services

    ensure_pickup_point()
    customer = get_user_model().objects.filter(email__iexact=customer_email).first()
    if customer is None or not customer.addresses.exists():
        return {}
    operator = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    done: dict[str, str] = {}
    for index, (scenario, method_code, target) in enumerate(DEMO_ORDERS, start=1):
        existing = Order.objects.filter(idempotency_key=DEMO_KEY.format(scenario)).first()
        if existing is not None:
            done[scenario] = existing.number
            continue
        method = ShippingMethod.objects.filter(code=method_code, is_active=True).first()
        if method is None:
            continue
        if target == "partially_shipped":
            variants = _demo_variants(1, warehouse_code="LIM-CENTRAL", skip=2 * index) + _demo_variants(
                1, warehouse_code="AQP", elsewhere_empty=True
            )
        else:
            variants = _demo_variants(1 + index % 2, warehouse_code="LIM-CENTRAL", skip=2 * index)
        if not variants:
            continue
        with transaction.atomic():
            order = _place(customer=customer, scenario=scenario, method=method, variants=variants)
            if target == "cancelled":
                order_cancel(order=order, actor=customer, reason="Me equivoqué de talla", by_customer=True)
            elif target != "placed":
                order = _pay(order)
                legs = list(order.shipments.order_by("pk"))
                for number, leg in enumerate(legs):
                    if target == "packed" or (target == "partially_shipped" and number > 0):
                        services.shipment_pack(shipment=leg, actor=operator)
                    elif target == "ready_for_pickup":
                        services.shipment_ready_for_pickup(shipment=leg, actor=operator)
                    elif target in ("partially_shipped", "shipped", "delivered"):
                        issue_demo_guia(leg, actor=operator)  # staff issue its guía de remisión first
                        services.shipment_ship(
                            shipment=leg, actor=operator, tracking_number=_tracking(leg.carrier, order.pk * 10 + number)
                        )
                        if target == "delivered":
                            services.shipment_mark_in_transit(shipment=leg, actor=operator)
                            services.shipment_deliver(shipment=leg, actor=operator)
        done[scenario] = order.number
    return done
