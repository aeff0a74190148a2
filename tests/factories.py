import factory
from django.db import transaction
from factory.django import DjangoModelFactory as _DjangoModelFactory

from accounts import ubigeo
from accounts.models import Address, Seller, User

PASSWORD = "Kallpa-test-2026!"


class DjangoModelFactory(_DjangoModelFactory):
    """A created object and what its factory creates for it (its category, brand, product...) commit
    together: in a transactional test each save would otherwise commit on its own, and each commit of a
    catalog write counts its category's facets again (catalog.catalog_version, the task run inline in
    tests). Inside a test's transaction it joins it (no savepoint: no query)."""

    class Meta:
        abstract = True

    @classmethod
    def _generate(cls, strategy, params):
        if strategy != factory.enums.CREATE_STRATEGY:
            return super()._generate(strategy, params)
        with transaction.atomic(savepoint=False):
            return super()._generate(strategy, params)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"cliente{n}@example.pe")
    first_name = "Ana"
    last_name = "Torres"
    phone = "987654321"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class AddressFactory(DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    label = "Casa"
    recipient = "Ana Torres"
    phone = "987654321"
    street = factory.Sequence(lambda n: f"Jr. Junín {100 + n}")
    district = "Miraflores"
    province = "Lima"
    department = "15"
    # As a full_clean()ed row has it; "" for names that match no district (an old free-text row).
    ubigeo = factory.LazyAttribute(lambda o: getattr(ubigeo.resolve(o.department, o.province, o.district), "code", ""))
    postal_code = "15074"


class SellerFactory(DjangoModelFactory):
    class Meta:
        model = Seller

    user = factory.SubFactory(UserFactory)
    store_name = factory.Sequence(lambda n: f"Tienda {n}")
    slug = factory.Sequence(lambda n: f"tienda-{n}")
    ruc = "20100070970"


# --- catalog ---------------------------------------------------------------------------

import io  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image  # noqa: E402

from catalog.models import (  # noqa: E402
    Banner,
    Brand,
    Category,
    Collection,
    Family,
    Kit,
    KitItem,
    Option,
    OptionValue,
    Product,
    ProductImage,
    ProductLine,
    Variant,
)
from catalog.services import product_save, variant_save  # noqa: E402
from receipts.signing import self_signed_certificate  # noqa: E402


def png_file(name: str = "p.png", color=(200, 80, 40)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class FamilyFactory(DjangoModelFactory):
    class Meta:
        model = Family

    name = factory.Sequence(lambda n: f"Familia {n}")
    slug = factory.Sequence(lambda n: f"familia-{n}")


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    family = factory.SubFactory(FamilyFactory)
    name = factory.Sequence(lambda n: f"Categoría {n}")
    slug = factory.Sequence(lambda n: f"categoria-{n}")


class BrandFactory(DjangoModelFactory):
    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"Marca {n}")
    slug = factory.Sequence(lambda n: f"marca-{n}")


class ProductLineFactory(DjangoModelFactory):
    class Meta:
        model = ProductLine

    name = factory.Sequence(lambda n: f"Línea {n}")
    slug = factory.Sequence(lambda n: f"linea-{n}")
    category = factory.SubFactory(CategoryFactory)


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Producto {n}")
    slug = factory.Sequence(lambda n: f"producto-{n}")
    base_sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    brand = factory.SubFactory(BrandFactory)
    category = factory.SubFactory(CategoryFactory)
    base_price = Decimal("199.90")
    status = Product.Status.ACTIVE
    description = "Un producto de prueba."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return product_save(product=model_class(*args, **kwargs))  # as the back office saves one


class OptionFactory(DjangoModelFactory):
    class Meta:
        model = Option
        django_get_or_create = ("code",)

    code = "size"
    name = factory.LazyAttribute(lambda o: {"size": "Talla", "color": "Color"}.get(o.code, o.code))


class OptionValueFactory(DjangoModelFactory):
    class Meta:
        model = OptionValue
        django_get_or_create = ("option", "slug")

    option = factory.SubFactory(OptionFactory)
    value = factory.LazyAttribute(lambda o: o.slug.upper())
    slug = "m"


class VariantFactory(DjangoModelFactory):
    class Meta:
        model = Variant
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"VAR-{n:06d}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return variant_save(variant=model_class(*args, **kwargs))  # its price history and facet rows

    @factory.post_generation
    def values(obj, create, extracted, **kwargs):
        if create and extracted:
            variant_save(variant=obj, option_values=extracted)


class ProductImageFactory(DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image = factory.LazyFunction(png_file)
    alt = "Foto"


class KitFactory(DjangoModelFactory):
    class Meta:
        model = Kit

    name = factory.Sequence(lambda n: f"Kit {n}")
    slug = factory.Sequence(lambda n: f"kit-{n}")
    discount_percent = Decimal("10.00")


class KitItemFactory(DjangoModelFactory):
    class Meta:
        model = KitItem

    kit = factory.SubFactory(KitFactory)
    product = factory.SubFactory(ProductFactory)


class CollectionFactory(DjangoModelFactory):
    class Meta:
        model = Collection

    name = factory.Sequence(lambda n: f"Drop {n}")
    slug = factory.Sequence(lambda n: f"drop-{n}")
    starts_at = factory.LazyFunction(timezone.now)


class BannerFactory(DjangoModelFactory):
    class Meta:
        model = Banner

    title = factory.Sequence(lambda n: f"Banner {n}")
    image_desktop = factory.LazyFunction(lambda: png_file("b.png"))


# --- inventory -------------------------------------------------------------------------


def make_bundle(parts, *, sku: str = "PACK-GAMER", name: str = "Pack Gamer", price: str = "999.00"):
    """A bundle product with one variant (returned) made of parts [(variant, units per bundle)]."""
    from catalog.models import BundleComponent

    product = ProductFactory(name=name, product_type=Product.Type.BUNDLE, base_price=Decimal(price))
    variant = VariantFactory(product=product, sku=sku)
    for order, (component, quantity) in enumerate(parts):
        BundleComponent.objects.create(bundle=product, component=component, quantity=quantity, order=order)
    return variant


from inventory.models import StockLevel, Supplier, Warehouse  # noqa: E402

VALID_RUCS = ["20100070970", "20131312955", "20100047218", "20601030013", "20512345671"]


class WarehouseFactory(DjangoModelFactory):
    class Meta:
        model = Warehouse

    code = factory.Sequence(lambda n: f"ALM-{n:03d}")
    name = factory.Sequence(lambda n: f"Almacén {n}")
    priority = factory.Sequence(lambda n: 10 + n)


class StockLevelFactory(DjangoModelFactory):
    """An empty stock level; give it units with stock(…) below so the ledger stays consistent."""

    class Meta:
        model = StockLevel

    variant = factory.SubFactory(VariantFactory)
    warehouse = factory.SubFactory(WarehouseFactory)


class SupplierFactory(DjangoModelFactory):
    class Meta:
        model = Supplier
        django_get_or_create = ("ruc",)

    name = factory.Sequence(lambda n: f"Proveedor {n} S.A.C.")
    ruc = factory.Iterator(VALID_RUCS)


def stock(variant=None, warehouse=None, quantity: int = 10, **level_fields) -> StockLevel:
    """A stock level holding `quantity` units, received through the service (ledger consistent)."""
    from inventory import services

    variant = variant or VariantFactory()
    warehouse = warehouse or WarehouseFactory()
    if quantity:
        services.stock_receive(variant=variant, warehouse=warehouse, quantity=quantity)
    level, _ = StockLevel.objects.get_or_create(variant=variant, warehouse=warehouse)
    if level_fields:
        StockLevel.objects.filter(pk=level.pk).update(**level_fields)
        level.refresh_from_db()
    return level


# --- shipping --------------------------------------------------------------------------

from shipping.models import Carrier, ShippingMethod, ShippingRate, ShippingZone  # noqa: E402


class ShippingZoneFactory(DjangoModelFactory):
    class Meta:
        model = ShippingZone

    name = factory.Sequence(lambda n: f"Zona {n}")
    kind = ShippingZone.Kind.LIMA_METROPOLITANA


class ShippingMethodFactory(DjangoModelFactory):
    class Meta:
        model = ShippingMethod

    code = factory.Sequence(lambda n: f"metodo-{n}")
    name = factory.Sequence(lambda n: f"Envío {n}")
    carrier = Carrier.OLVA
    min_days = 1
    max_days = 2


class ShippingRateFactory(DjangoModelFactory):
    class Meta:
        model = ShippingRate

    method = factory.SubFactory(ShippingMethodFactory)
    zone = factory.SubFactory(ShippingZoneFactory)
    weight_from = Decimal("0")
    weight_to = Decimal("1")
    price = Decimal("10.00")


# --- what the apps' tests build on top of the rows above ---------------------------------

import inspect  # noqa: E402
from datetime import timedelta  # noqa: E402

import pytest  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.serialization import pkcs12  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts import services as account_services  # noqa: E402
from accounts.roles import Role, roles_sync  # noqa: E402
from catalog import listing_cache  # noqa: E402
from catalog.models import BundleComponent, CollectionItem  # noqa: E402
from complaints.services import ComplaintData  # noqa: E402
from demo.shipping import load_demo_shipping  # noqa: E402
from inventory.verify import CHECKS  # noqa: E402
from legal.models import PolicyKind  # noqa: E402
from legal.services import policy_version_create, policy_version_publish  # noqa: E402
from orders import services as order_services  # noqa: E402
from orders.models import Order, OrderStatus  # noqa: E402
from orders.services import ANONYMOUS_RECEIPT_LIMIT, OrderLineData, order_create, order_payment_record  # noqa: E402
from payments.clients.mercadopago_checkout import MercadoPagoPayment  # noqa: E402
from payments.models import Payment, PaymentMethod, Provider  # noqa: E402
from payments.services import (  # noqa: E402
    TEST_GATEWAY_METHOD_CODE,
    payment_complete,
    payment_method_ensure_test_gateway,
    payment_start,
    payment_test_gateway_pay,
)
from promotions.models import AutomaticDiscount, Coupon, QuantityOffer, Scope  # noqa: E402
from promotions.services import coupon_create, discount_create, quantity_offer_create  # noqa: E402
from returns import services as returns_services  # noqa: E402
from returns.services import ReceiveLineData, ReturnLineData, return_request_create  # noqa: E402
from reviews import services as review_services  # noqa: E402
from shipping import services as shipping_services  # noqa: E402

# --- orders ---------------------------------------------------------------------------

SHIPPING_ADDRESS = {
    "recipient": "Ana Torres",
    "phone": "987654321",
    "street": "Jr. Junín 123",
    "district": "Miraflores",
    "province": "Lima",
    "department": "15",
    "department_name": "Lima",
    "postal_code": "15074",
    "ubigeo": "150122",
}


BUYER_DNI = "45678912"


def line_for(variant, *, quantity: int = 1, unit_price: Decimal | None = None, discount=Decimal("0")) -> OrderLineData:
    return OrderLineData.from_variant(variant, quantity=quantity, unit_price=unit_price, discount=discount)


def make_order(*, customer=None, email=None, lines=None, variant=None, idempotency_key=None, **extra):
    if lines is None:
        variant = variant or VariantFactory(product=ProductFactory(base_price=Decimal("199.90")))
        lines = [line_for(variant, quantity=2)]
    shipping_total = extra.pop("shipping_total", Decimal("15.00"))
    total = sum((Decimal(line.unit_price) * line.quantity - Decimal(line.discount) for line in lines), shipping_total)
    if total > ANONYMOUS_RECEIPT_LIMIT:
        extra.setdefault("customer_document", BUYER_DNI)  # SUNAT: a boleta above S/ 700 names its buyer
    return order_create(
        customer=customer,
        email=email or (customer.email if customer else "invitado@example.pe"),
        lines=lines,
        shipping_address=SHIPPING_ADDRESS,
        billing_address=SHIPPING_ADDRESS,
        shipping_method_id=extra.pop("shipping_method_id", None),
        shipping_method_name="Olva Courier",
        shipping_total=shipping_total,
        idempotency_key=idempotency_key,
        **extra,
    )


def ship_everything(order, *, actor=None, deliver: bool = False):
    """Ship every leg of a paid order (Olva, valid tracking numbers); deliver them too if asked."""
    for index, shipment in enumerate(order.shipments.order_by("pk")):
        shipping_services.shipment_ship(
            shipment=shipment, actor=actor, carrier="olva", tracking_number=f"4006{index:04d}"
        )
        if deliver:
            shipping_services.shipment_deliver(shipment=shipment, actor=actor)
    order.refresh_from_db()
    return order


def age(order, minutes: int) -> None:
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.now() - timedelta(minutes=minutes))
    order.refresh_from_db()


def paid_order_days_ago(*lines, days_ago: int = 0):
    order = make_order(lines=list(lines))
    order_services.order_payment_record(order=order)
    if days_ago:
        Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(days=days_ago))
    return order


def seller_variant(seller, *, sku, price, units=100, minimum=0):
    variant = VariantFactory(product=ProductFactory(seller=seller, base_price=Decimal(price)), sku=sku)
    stock(variant, WarehouseFactory(seller=seller), units, minimum=minimum)
    return variant


# --- shipping -------------------------------------------------------------------------


def stocked_variant(warehouse, *, units=20, price="59.90", seller=None, sku=None):
    extra = {"sku": sku} if sku else {}
    variant = VariantFactory(product=ProductFactory(base_price=Decimal(price), seller=seller), **extra)
    stock(variant, warehouse, units)
    return variant


def paid_order(*, lines, method=None, customer=None, email="rosa@example.pe"):
    order = make_order(lines=lines, customer=customer, email=email, shipping_method_id=getattr(method, "pk", None))
    return order_payment_record(order=order).order


# --- checkout, through the shop's pages -----------------------------------------------

# Concurrency and the query ceilings are the real stack's (CI runs PostgreSQL); SQLite serialises
# writers and reserves stock in Python.
ON_POSTGRESQL = pytest.mark.skipif(connection.vendor != "postgresql", reason="checked on PostgreSQL")


LIMA = {
    "recipient": "Rosa Quispe",
    "phone": "987654321",
    "street": "Av. Arequipa 1234",
    "reference": "",
    "department": "15",
    "province": "1501",
    "district": "150122",
    "postal_code": "15074",
}


def fill_cart(client, *lines):
    for sku, quantity in lines:
        response = client.post(reverse("cart:add"), {"sku": sku, "quantity": str(quantity)})
        assert response.status_code == 302


def details(client, *, email="rosa@example.pe", address=None, **extra):
    data = {"email": email, "billing_same": "1", **{f"shipping-{k}": v for k, v in (address or LIMA).items()}, **extra}
    return client.post(reverse("checkout:details"), data)


def delivery(client, method_code="olva-lima", payment="tarjeta-prueba"):
    method = ShippingMethod.objects.get(code=method_code)
    return client.post(reverse("checkout:delivery"), {"shipping_method": method.pk, "payment_method": payment})


def review_key(client) -> str:
    response = client.get(reverse("checkout:review"))
    assert response.status_code == 200
    return response.context["key"]


def place(client, key, **extra):
    return client.post(reverse("checkout:place"), {"key": key, **extra})


def checkout(client, **kwargs) -> Order:
    assert details(client, **kwargs).status_code == 302
    assert delivery(client).status_code == 302
    response = place(client, review_key(client))
    assert response.status_code == 302
    return Order.objects.latest("pk")


def add(client, sku, quantity=1):
    response = client.post(reverse("cart:add"), {"sku": sku, "quantity": str(quantity)})
    assert response.status_code == 302
    return response


def details_accepted(client, *, email="rosa@example.pe", **extra):
    assert details(client, email=email, **extra).status_code == 302


def delivery_accepted(client, method_code="olva-lima"):
    assert delivery(client, method_code).status_code == 302


def checkout_or_none(client, *, email="rosa@example.pe") -> Order | None:
    """Details, delivery, review and place; the new order, or None when placing was refused."""
    details_accepted(client, email=email)
    delivery_accepted(client)
    before = Order.objects.count()
    place(client, review_key(client))
    return Order.objects.latest("pk") if Order.objects.count() > before else None


# --- promotions -----------------------------------------------------------------------


def percent_off(value, **fields) -> AutomaticDiscount:
    return discount_create(
        name=fields.pop("name", f"{value} %"), kind=AutomaticDiscount.Kind.PERCENTAGE, value=Decimal(value), **fields
    )


def amount_off(value, **fields) -> AutomaticDiscount:
    return discount_create(
        name=fields.pop("name", f"S/ {value}"), kind=AutomaticDiscount.Kind.FIXED, value=Decimal(value), **fields
    )


def coupon(code="PROMO10", kind=Coupon.Kind.PERCENTAGE, value="10", **fields) -> Coupon:
    fields.setdefault("max_uses_per_customer", None)
    return coupon_create(code=code, name=fields.pop("name", code), kind=kind, value=Decimal(value), **fields)


def three_for_two(*products, name="3x2 Polos", **extra) -> QuantityOffer:
    """A "3x2" on these products: buy three, pay two."""
    return quantity_offer_create(
        name=name,
        kind=QuantityOffer.Kind.BUY_N_PAY_M,
        buy_quantity=3,
        pay_quantity=2,
        scope=Scope.PRODUCTS,
        products=list(products),
        **extra,
    )


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def ahead(**delta):
    return timezone.now() + timedelta(**delta)


def apply_code(client, code, htmx=True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("cart:coupon_apply"), {"code": code}, **headers)


# --- payments -------------------------------------------------------------------------

GUEST_ADDRESS = {
    "recipient": "Rosa Quispe",
    "phone": "987654321",
    "street": "Av. Arequipa 1234",
    "district": "Miraflores",
    "province": "Lima",
    "department": "15",
}


def make_guest_order(quantity: int = 2, on_hand: int = 5):
    variant = VariantFactory()
    stock(variant, WarehouseFactory(), on_hand)
    return order_create(
        customer=None,
        email="rosa@example.pe",
        lines=[OrderLineData.from_variant(variant, quantity=quantity)],
        shipping_address=GUEST_ADDRESS,
        billing_address=GUEST_ADDRESS,
        shipping_method_id=None,
        shipping_method_name="Olva",
        shipping_total=Decimal("10.00"),
        idempotency_key=None,
    )


def make_payment(order, *, provider: str = Provider.STRIPE, reference: str = "cs_test_1") -> Payment:
    method, _created = PaymentMethod.objects.get_or_create(
        code=f"{provider}-test", defaults={"name": provider.title(), "provider": provider}
    )
    payment = payment_start(order=order, method=method)
    Payment.objects.filter(pk=payment.pk).update(gateway_reference=reference)
    payment.refresh_from_db()
    return payment


def mercadopago_report(payment, *, status: str, refunds=(), mp_payment_id: str = "1319500012"):
    """What Mercado Pago's API says of one of our attempts (a card payment for its whole amount),
    as payment_mercadopago_apply reads it; refunds: (refund id, amount, status) each."""
    return MercadoPagoPayment(
        id=mp_payment_id,
        status=status,
        status_detail="",
        external_reference=str(payment.pk),
        amount=payment.amount,
        currency="PEN",
        payment_method="visa",
        last_four="4242",
        refunds=tuple(refunds),
    )


def paid(provider=Provider.TEST, reference="TEST-1"):
    order = make_guest_order()
    payment = make_payment(order, provider=provider, reference=reference)
    return payment_complete(payment=payment, amount=order.total, currency="PEN", gateway_reference=reference)


def pay(order):
    """Pay through the test gateway, as a shopper does (the receipt is asked for inside)."""
    payment = payment_start(order=order, method=payment_method_ensure_test_gateway())
    return payment_test_gateway_pay(payment=payment)


# --- receipts -------------------------------------------------------------------------

BUYER_RUC = "20100047218"  # a valid RUC (check digit)


COMPANY_ADDRESS = {
    "recipient": "Comercial Andina S.A.C.",
    "phone": "987654321",
    "street": "Av. Arequipa 1234",
    "district": "Miraflores",
    "province": "Lima",
    "department": "15",
    "department_name": "Lima",
}


def make_priced_order(
    *,
    prices=("199.90",),
    quantities=None,
    discounts=None,
    order_discount="0.00",
    shipping="15.00",
    document_type="",
    document="",
    billing=None,
    customer=None,
    email="rosa@example.pe",
    legal_name=None,
):
    if legal_name is None:  # a factura is issued to the company named with its RUC at checkout
        legal_name = "Comercial Andina S.A.C." if document_type == "ruc" else ""
    lines, warehouse = [], WarehouseFactory()
    for index, price in enumerate(prices):
        variant = VariantFactory(product=ProductFactory(base_price=Decimal(price)))
        quantity = quantities[index] if quantities else 1
        stock(variant, warehouse, quantity + 2)
        discount = Decimal(discounts[index]) if discounts else Decimal("0.00")
        lines.append(OrderLineData.from_variant(variant, quantity=quantity, discount=discount))
    return order_create(
        customer=customer,
        email=email,
        lines=lines,
        shipping_address=COMPANY_ADDRESS,
        billing_address=billing or COMPANY_ADDRESS,
        shipping_method_id=None,
        shipping_method_name="Olva Courier",
        shipping_total=Decimal(shipping),
        discount_total=Decimal(order_discount),
        idempotency_key=None,
        customer_document=document,
        customer_document_type=document_type,
        customer_legal_name=legal_name,
    )


def checkout_order(
    *,
    customer,
    variants,
    method,
    coupon_code: str = "",
    kit=None,
    document_type: str = "",
    document: str = "",
    legal_name: str = "",
    billing=None,
    credit=None,
    credit_amount: str = "",
    key: str = "k",
    gift_card_code: str = "",
    gift_card_amount: str = "",
):
    """An order placed through checkout as a shopper places it (cart, coupon, kit, store credit, gift card)."""
    from cart.services import Cart, cart_add, cart_add_kit
    from checkout.services import checkout_place_order
    from checkout.state import CheckoutState

    cart = Cart(id=f"receipts-{key}", customer=customer, coupon_code=coupon_code)
    for variant, quantity in variants:
        cart_add(cart=cart, sku=variant.sku, quantity=quantity)
    if kit is not None:
        cart_add_kit(cart=cart, kit=kit, variant_choices={}, optional_item_ids=set())
    state = CheckoutState(
        email=customer.email,
        shipping={**COMPANY_ADDRESS, "ubigeo": "150122"},
        billing=billing or {},
        document_type=document_type,
        document=document,
        shipping_method_id=method.pk,
        legal_name=legal_name or ("Comercial Andina S.A.C." if document_type == "ruc" else ""),
        payment_method=TEST_GATEWAY_METHOD_CODE,
        credit_id=getattr(credit, "pk", None),
        credit_amount=credit_amount,
        gift_card_code=gift_card_code,
        gift_card_amount=gift_card_amount,
    )
    return checkout_place_order(cart=cart, state=state, key=key, key_handed=True, customer=customer)


def make_certificate(tmp_path, *, pfx_password: str | None = None):
    """A throwaway self-signed certificate and key: (path, certificate PEM)."""
    key, cert = self_signed_certificate("KALLPA STORE S.A.C.", serial_number="20601234565")
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    if pfx_password is not None:
        path = tmp_path / "store.pfx"
        path.write_bytes(
            pkcs12.serialize_key_and_certificates(
                b"kallpa", key, cert, None, serialization.BestAvailableEncryption(pfx_password.encode())
            )
        )
    else:
        path = tmp_path / "store.pem"
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            + cert_pem
        )
    return str(path), cert_pem


# --- returns and store credit ---------------------------------------------------------


def deliver(order):
    for shipment in order.shipments.order_by("pk"):
        shipping_services.shipment_ship(shipment=shipment, tracking_number="40061123")
        shipping_services.shipment_deliver(shipment=shipment)
    order.refresh_from_db()
    return order


def many_requests(warehouse, olva, customer, count):
    """A delivered order of `count` units with one single-unit return request per unit."""
    variant = stocked_variant(warehouse, units=count + 5, sku=f"MEDIAS-{count}")
    order = deliver(
        paid_order(lines=[line_for(variant, quantity=count)], method=olva, customer=customer, email=customer.email)
    )
    line = order.lines.get()
    return [
        return_request_create(
            order=order,
            lines=[ReturnLineData(order_line_id=line.pk, quantity=1, reason="changed_mind", declared_condition="new")],
            actor=customer,
        )
        for _ in range(count)
    ]


def received_return(order, staff, warehouse, *, units=None, resolution="credit"):
    """A return of `units` {sku: quantity} (default: one polo), approved and received as resellable."""
    units = units or {"POLO-M": 1}
    request = returns_services.return_request_create(
        order=order,
        resolution=resolution,
        actor=order.customer,
        lines=[
            ReturnLineData(
                order_line_id=order.lines.get(sku=sku).pk,
                quantity=quantity,
                reason="wrong_size",
                declared_condition="new",
            )
            for sku, quantity in units.items()
        ],
    )
    returns_services.return_approve(request=request, actor=staff)
    returns_services.return_receive(
        request=request,
        actor=staff,
        lines=[
            ReceiveLineData(return_line_id=line.pk, found_condition="resellable", warehouse_id=warehouse.pk)
            for line in request.lines.all()
        ],
    )
    request.refresh_from_db()
    return request


def ledger_mismatches():
    return [row for _label, check in CHECKS for row in check()]


# --- reviews --------------------------------------------------------------------------


def delivered_order_of(customer, *variants):
    """An order of these variants, paid, then shipped and delivered through its shipments (the
    order's status follows them)."""
    warehouse = WarehouseFactory()
    for variant in variants:
        stock(variant, warehouse, 10)
    order = make_order(customer=customer, lines=[line_for(v) for v in variants])
    order_services.order_payment_record(order=order)
    order = ship_everything(order, deliver=True)
    assert order.status == OrderStatus.DELIVERED
    return order


def write(user, product, rating=5, **extra):
    return review_services.review_create(
        user=user,
        product=product,
        rating=rating,
        title=extra.get("title", "Muy bueno"),
        body=extra.get("body", "Me gustó mucho."),
    )


# --- accounts, legal, complaints ------------------------------------------------------


def signup_data(**overrides) -> dict:
    data = {
        "email": "nueva@example.pe",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "first_name": "Lucía",
        "last_name": "Mamani",
        "phone": "+51 987 654 321",
        "dni": "43451826",
    }
    data.update(overrides)
    return data


def address_data(**overrides) -> dict:
    """What the address form posts: the province and district selects send INEI codes."""
    data = {
        "label": "Oficina",
        "recipient": "Carlos Huamán",
        "phone": "987 123 456",
        "street": "Av. Larco 345, of. 1201",
        "reference": "Al costado del banco",
        "department": "15",
        "province": "1501",
        "district": "150122",
        "postal_code": "15074",
    }
    data.update(overrides)
    return data


def publish(kind: str = PolicyKind.TERMS, *, title: str = "Términos y condiciones", body: str = "## Uno\nTexto."):
    return policy_version_publish(version=policy_version_create(kind=kind, title=title, body=body))


def sheet_data(**overrides) -> ComplaintData:
    values = dict(  # noqa: C408 (keyword names read as the form's fields)
        consumer_name="Lucía Huamán",
        document_type="dni",
        document_number=BUYER_DNI,
        address="Jr. Puno 456, Cusco",
        phone="984123456",
        email="lucia@example.pe",
        item_kind="product",
        amount=Decimal("129.90"),
        item_description="Casaca impermeable talla M",
        kind="reclamo",
        detail="Llegó con el cierre roto.",
        consumer_request="Que me la cambien por una nueva.",
    )
    values.update(overrides)
    return ComplaintData(**values)


# --- catalog and storefront -----------------------------------------------------------


def product_change_data(product, variants=(), **overrides) -> dict:
    """POST data of the admin product change form, as a browser would send it."""
    data = {
        "name": product.name,
        "slug": product.slug,
        "base_sku": product.base_sku,
        "product_type": product.product_type,
        "status": product.status,
        "brand": product.brand_id,
        "category": product.category_id,
        "base_price": str(product.base_price),
        "compare_at_price": "",
        "specs": "{}",
        "description": "",
        "warranty_months": product.warranty_months,
        "weight_kg": str(product.weight_kg),
        "line": "",
        "seller": "",
        "max_per_customer": "",
        "length_cm": "",
        "width_cm": "",
        "height_cm": "",
        "variants-TOTAL_FORMS": len(variants),
        "variants-INITIAL_FORMS": len(variants),
        "variants-MIN_NUM_FORMS": 0,
        "variants-MAX_NUM_FORMS": 1000,
        "images-TOTAL_FORMS": 0,
        "images-INITIAL_FORMS": 0,
        "images-MIN_NUM_FORMS": 0,
        "images-MAX_NUM_FORMS": 1000,
    }
    for i, variant in enumerate(variants):
        data.update(
            {
                f"variants-{i}-id": variant.pk,
                f"variants-{i}-product": product.pk,
                f"variants-{i}-sku": variant.sku,
                f"variants-{i}-price_modifier": str(variant.price_modifier),
                f"variants-{i}-is_active": "on",
                f"variants-{i}-order": variant.order,
            }
        )
    data.update(overrides)
    return data


def listed(response) -> list[str]:
    return [p.name for p in response.context["listing"].page.object_list]


def grow_hoodies(shop, n: int) -> None:
    brands = [BrandFactory() for _ in range(3)]
    for i in range(n):
        product = ProductFactory(category=shop["hoodies"], brand=brands[i % 3], is_featured=True, is_new=True)
        VariantFactory(product=product)
        ProductImageFactory(product=product)


def listing_query_count(client, url, params=None, *, cold_facets: bool = False) -> int:
    client.get(url, params)  # warm the category tree cache, as in steady state
    if cold_facets:
        listing_cache.bump()  # as right after a catalog change: the facets are counted again
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


# --- back office ----------------------------------------------------------------------


def csv_file(text: str, name: str = "datos.csv"):
    upload = io.BytesIO(text.encode())
    upload.name = name
    return upload


def preview(client, url: str, upload, *, resource: str = "0", fmt: str = "0"):  # "0": CSV, "1": XLSX
    return client.post(f"{url}import/", {"import_file": upload, "format": fmt, "resource": resource})


def build_world(seller, method, code: str) -> None:
    """What one seller's business leaves in the database: a product with a variant and an image,
    stock in their warehouse (movements), a paid order of it, shipped and delivered, a return
    request and a review."""
    warehouse = Warehouse.objects.create(code=code, name=f"Almacén {code}", seller=seller, kind=Warehouse.Kind.OWN)
    variant = stocked_variant(warehouse, seller=seller, sku=f"{code}-SKU")
    ProductImageFactory(product=variant.product, image=png_file(f"{code}.png"))
    Variant.objects.filter(pk=variant.pk).update(price_modifier=Decimal("1.00"))
    order = order_payment_record(
        order=make_order(lines=[line_for(variant, quantity=2)], customer=seller.user, shipping_method_id=method.pk)
    ).order
    for shipment in order.shipments.all():
        shipping_services.shipment_ship(shipment=shipment, tracking_number="40061123")
        shipping_services.shipment_deliver(shipment=shipment)
    line = order.lines.get()
    return_request_create(
        order=order,
        lines=[ReturnLineData(order_line_id=line.pk, quantity=1, reason="wrong_size", declared_condition="new")],
        actor=seller.user,
    )
    review_services.review_create(
        user=seller.user, product=variant.product, rating=4, title="Bueno", body="Llegó bien y a tiempo."
    )


# --- shops: what a test module's `shop` fixture holds ---------------------------------


def checkout_shop():
    load_demo_shipping()
    payment_method_ensure_test_gateway()
    warehouse = WarehouseFactory(code="LIM", priority=1)
    hoodie = VariantFactory(sku="HOOD-M", product=ProductFactory(name="Hoodie Andino", base_price=Decimal("149.00")))
    cap = VariantFactory(sku="CAP-U", product=ProductFactory(name="Gorra Inti", base_price=Decimal("59.00")))
    stock(hoodie, warehouse, 10)
    stock(cap, warehouse, 4)
    return {"warehouse": warehouse, "hoodie": hoodie, "cap": cap}


def promotions_shop():
    load_demo_shipping()
    payment_method_ensure_test_gateway()
    warehouse = WarehouseFactory(code="LIM", priority=1)
    chair = VariantFactory(sku="CHAIR", product=ProductFactory(name="Silla Nórdica", base_price=Decimal("200.00")))
    lamp = VariantFactory(sku="LAMP", product=ProductFactory(name="Lámpara Inca", base_price=Decimal("100.00")))
    stock(chair, warehouse, 50)
    stock(lamp, warehouse, 50)
    return {"warehouse": warehouse, "chair": chair, "lamp": lamp}


def storefront_shop():
    family = FamilyFactory(name="Moda", slug="moda")
    hoodies = CategoryFactory(family=family, name="Hoodies", slug="hoodies")
    kids = CategoryFactory(family=family, parent=hoodies, name="Hoodies niños", slug="hoodies-ninos")
    size, color = OptionFactory(code="size"), OptionFactory(code="color")
    m = OptionValueFactory(option=size, slug="m", value="M")
    xl = OptionValueFactory(option=size, slug="xl", value="XL")
    black = OptionValueFactory(option=color, slug="negro", value="Negro", swatch="#111111")
    white = OptionValueFactory(option=color, slug="blanco", value="Blanco", swatch="#ffffff")
    inti, nike = BrandFactory(name="Inti Wear", slug="inti-wear"), BrandFactory(name="Nike", slug="nike")
    cheap = ProductFactory(
        name="Hoodie Básico",
        slug="hoodie-basico",
        brand=inti,
        category=hoodies,
        base_price=Decimal("99.00"),
        units_sold=5,
    )
    pricey = ProductFactory(
        name="Hoodie Tech",
        slug="hoodie-tech",
        brand=nike,
        category=hoodies,
        base_price=Decimal("349.00"),
        compare_at_price=Decimal("399.00"),
        units_sold=50,
    )
    kid = ProductFactory(name="Hoodie Mini", slug="hoodie-mini", brand=inti, category=kids, base_price=Decimal("79.00"))
    VariantFactory(product=cheap, sku="HB-M-NEG", values=[m, black])
    VariantFactory(product=cheap, sku="HB-XL-NEG", values=[xl, black])
    VariantFactory(product=pricey, sku="HT-M-BLA", values=[m, white], price_modifier=Decimal("10"))
    VariantFactory(product=kid, sku="HM-M-BLA", values=[m, white])
    ProductFactory(name="Hoodie Borrador", slug="hoodie-borrador", category=hoodies, status=Product.Status.DRAFT)
    ProductFactory(name="Hoodie Retirado", slug="hoodie-retirado", category=hoodies, status=Product.Status.INACTIVE)
    return {"family": family, "hoodies": hoodies, "kids": kids, "cheap": cheap, "pricey": pricey, "kid": kid}


def sunat_shop():
    warehouse = WarehouseFactory()
    method = ShippingMethodFactory(name="Olva Courier – provincias")
    ShippingRateFactory(method=method, zone=ShippingZoneFactory(), weight_to=Decimal("100"), price=Decimal("15.00"))

    def variant(price, *, units=20, **product):
        found = VariantFactory(product=ProductFactory(base_price=Decimal(price), **product))
        stock(found, warehouse, units)
        return found

    return method, variant


def faults_shop():
    product = ProductFactory(name="Casaca Wayra", base_price=Decimal("189.00"))
    variant = VariantFactory(product=product, sku="WAYRA-M")
    stock(variant, quantity=20)
    collection = CollectionFactory(name="Drop Wayra")
    collection.items.create(product=product, order=1)
    return {"product": product, "variant": variant, "collection": collection}


def catalog_journey_shop():
    moda = FamilyFactory(name="Moda", slug="moda", order=1)
    hoodies = CategoryFactory(family=moda, name="Hoodies", slug="hoodies")
    shoes = CategoryFactory(family=moda, name="Zapatillas", slug="zapatillas")
    size, color = OptionFactory(code="size"), OptionFactory(code="color")
    m, xl = OptionValueFactory(option=size, slug="m", value="M"), OptionValueFactory(option=size, slug="xl", value="XL")
    black = OptionValueFactory(option=color, slug="negro", value="Negro", swatch="#111111")
    inti, nike = BrandFactory(name="Inti Wear", slug="inti-wear"), BrandFactory(name="Nike", slug="nike")
    products = {
        "basic": ProductFactory(
            name="Hoodie Básico Andes",
            slug="hoodie-basico",
            brand=inti,
            category=hoodies,
            base_price=Decimal("129.00"),
            is_featured=True,
        ),
        "premium": ProductFactory(
            name="Hoodie Premium Inti",
            slug="hoodie-premium",
            brand=inti,
            category=hoodies,
            base_price=Decimal("249.00"),
        ),
        "nike": ProductFactory(
            name="Hoodie Nike Club", slug="hoodie-nike", brand=nike, category=hoodies, base_price=Decimal("199.00")
        ),
        "runner": ProductFactory(
            name="Zapatillas Urban Runner",
            slug="urban-runner",
            brand=inti,
            category=shoes,
            base_price=Decimal("289.00"),
        ),
        "drop": ProductFactory(
            name="Hoodie Drop Qhapaq", slug="hoodie-drop", brand=inti, category=hoodies, base_price=Decimal("299.00")
        ),
    }
    warehouse = WarehouseFactory(code="LIM", name="Lima central", priority=1)
    for key, product in products.items():
        medium = VariantFactory(product=product, sku=f"{key.upper()}-M", values=[m, black])
        large = VariantFactory(
            product=product, sku=f"{key.upper()}-XL", values=[xl, black], price_modifier=Decimal("10")
        )
        stock(medium, warehouse, 10)
        stock(large, warehouse, {"premium": 3, "nike": 0}.get(key, 10))
        ProductImageFactory(product=product)
    drop = CollectionFactory(name="Drop Qhapaq", slug="drop-qhapaq", starts_at=timezone.now() + timedelta(days=2))
    CollectionItem.objects.create(collection=drop, product=products["drop"])
    return products


def catalog17_journey_shop():
    moda = FamilyFactory(name="Hogar", slug="hogar", order=1)
    chairs = CategoryFactory(family=moda, name="Sillas", slug="sillas")
    color = OptionFactory(code="color")
    black = OptionValueFactory(option=color, slug="negro", value="Negro", swatch="#111111")
    white = OptionValueFactory(option=color, slug="blanco", value="Blanco", swatch="#f5f5f5")
    ofipro = BrandFactory(
        name="OfiPro", slug="ofipro", description="OfiPro es una marca peruana de muebles de oficina ergonómicos."
    )
    other = BrandFactory(name="Ergoline", slug="ergoline")
    line = ProductLineFactory(
        name="Silla ergonómica Andes",
        slug="silla-andes",
        category=chairs,
        manufacturer="OfiPro",
        image=png_file("line.png"),
        base_specs={"Respaldo": "Malla", "Carga máxima": "120 kg"},
    )
    warehouse = WarehouseFactory(code="LIM", name="Lima central", priority=1)
    products = {}
    for slug, name, brand, price, value in [
        ("silla-andes-negra", "Silla Andes Negra", ofipro, "499.00", black),
        ("silla-andes-blanca", "Silla Andes Blanca", ofipro, "529.00", white),
        ("silla-ergoline", "Silla Ergoline Pro", other, "599.00", black),
    ]:
        product = ProductFactory(
            name=name,
            slug=slug,
            brand=brand,
            category=chairs,
            line=line,
            base_price=Decimal(price),
            compare_at_price=Decimal("649.00"),
            model_number=f"MOD-{slug[:10].upper()}",
        )
        stock(VariantFactory(product=product, sku=slug.upper(), values=[value]), warehouse, 10)
        ProductImageFactory(product=product)
        products[slug] = product
    nordic = KitFactory(
        name="Kit Oficina Nórdica",
        slug="oficina-nordica",
        room_type=Kit.Room.OFFICE,
        style_tags=["nórdico", "minimalista"],
        description="Todo para trabajar en casa.",
    )
    KitItemFactory(kit=nordic, product=products["silla-andes-blanca"])
    KitFactory(name="Kit Gamer RGB", slug="gamer-rgb", room_type=Kit.Room.GAMING, style_tags=["gamer"])
    KitFactory(
        name="Kit Sala Minimalista", slug="sala-minimalista", room_type=Kit.Room.LIVING, style_tags=["minimalista"]
    )
    # A bundle of two chairs: one SKU, its stock is its components'.
    pack = ProductFactory(
        name="Pack Dúo Andes",
        slug="pack-duo-andes",
        brand=ofipro,
        category=chairs,
        product_type=Product.Type.BUNDLE,
        base_price=Decimal("949.00"),
    )
    VariantFactory(product=pack, sku="PACK-DUO-ANDES")
    ProductImageFactory(product=pack)
    for order, slug in enumerate(("silla-andes-negra", "silla-andes-blanca")):
        BundleComponent.objects.create(bundle=pack, component=products[slug].variants.get(), quantity=1, order=order)
    products["pack-duo-andes"] = pack
    return products


def checkout_journey_shop():
    load_demo_shipping()
    payment_method_ensure_test_gateway()
    moda = FamilyFactory(name="Moda", slug="moda")
    hoodies = CategoryFactory(family=moda, name="Hoodies", slug="hoodies")
    size = OptionFactory(code="size")
    m, xl = OptionValueFactory(option=size, slug="m", value="M"), OptionValueFactory(option=size, slug="xl", value="XL")
    inti = BrandFactory(name="Inti Wear", slug="inti-wear")
    hoodie = ProductFactory(
        name="Hoodie Andino",
        slug="hoodie-andino",
        brand=inti,
        category=hoodies,
        base_price=Decimal("149.00"),
        compare_at_price=Decimal("179.00"),
    )
    cap = ProductFactory(
        name="Gorra Inti", slug="gorra-inti", brand=inti, category=hoodies, base_price=Decimal("59.00")
    )
    desk = ProductFactory(
        name="Escritorio Nogal", slug="escritorio-nogal", brand=inti, category=hoodies, base_price=Decimal("499.00")
    )
    warehouse = WarehouseFactory(code="LIM-CENTRAL", name="Lima central", priority=1)
    variants = {
        "hoodie-m": VariantFactory(product=hoodie, sku="HA-M", values=[m]),
        "hoodie-xl": VariantFactory(product=hoodie, sku="HA-XL", values=[xl]),
        "cap": VariantFactory(product=cap, sku="GI-U"),
        "desk": VariantFactory(product=desk, sku="EN-1"),
    }
    for variant in variants.values():
        stock(variant, warehouse, 6)
    for product in (hoodie, cap, desk):
        ProductImageFactory(product=product)
    kit = KitFactory(name="Kit Home Office", slug="kit-home-office", discount_percent=Decimal("10"))
    KitItemFactory(kit=kit, product=desk)
    KitItemFactory(kit=kit, product=cap, is_optional=True)
    return variants


def dashboard_journey_shop():
    admin = UserFactory(email="jefa@kallpa.pe", is_staff=True, is_superuser=True)
    warehouse = WarehouseFactory(code="LIM-CENTRAL", priority=1)
    polo = VariantFactory(product=ProductFactory(name="Polo Inti", base_price=Decimal("59.90")), sku="POLO-INTI-M")
    casaca = VariantFactory(product=ProductFactory(name="Casaca Andes", base_price=Decimal("189.00")), sku="CASACA-L")
    stock(polo, warehouse, 200)
    stock(casaca, warehouse, 4, minimum=5)
    for days_ago in (1, 2, 4, 6, 9, 13, 20, 27):
        order = make_order(lines=[line_for(polo, quantity=1 + days_ago % 3)])
        order_services.order_payment_record(order=order)
        Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(days=days_ago))
    today = make_order(lines=[line_for(casaca), line_for(polo, quantity=2)])
    order_services.order_payment_record(order=today)
    make_order(lines=[line_for(polo)])  # awaiting payment
    return {"admin": admin, "today": today}


def newcomer_journey_shop():
    load_demo_shipping()
    payment_method_ensure_test_gateway()
    tech = FamilyFactory(name="Tecnología", slug="tecnologia")
    moda = FamilyFactory(name="Moda", slug="moda")
    headphones = CategoryFactory(family=tech, name="Audífonos", slug="audifonos")
    laptops = CategoryFactory(family=tech, name="Laptops", slug="laptops")
    shoes = CategoryFactory(family=moda, name="Zapatillas", slug="zapatillas")
    sony, lenovo, inti = (
        BrandFactory(name=n, slug=n.lower().replace(" ", "-")) for n in ("Sony", "Lenovo", "Inti Wear")
    )
    warehouse = WarehouseFactory(code="LIM", priority=1)
    products = [
        ProductFactory(
            name="Audífonos Bluetooth Sony WH-CH520",
            slug="sony-wh-ch520",
            brand=sony,
            category=headphones,
            base_price=Decimal("59.00"),
        ),
        ProductFactory(
            name="Audífonos inalámbricos Sony WH-1000XM5",
            slug="sony-wh-1000xm5",
            brand=sony,
            category=headphones,
            base_price=Decimal("1299.00"),
        ),
        ProductFactory(
            name="Laptop Lenovo IdeaPad Slim 3",
            slug="ideapad-slim-3",
            brand=lenovo,
            category=laptops,
            base_price=Decimal("2199.00"),
        ),
        ProductFactory(
            name="Zapatillas Urban Runner",
            slug="urban-runner",
            brand=inti,
            category=shoes,
            base_price=Decimal("189.00"),
        ),
    ]
    for product in products:
        stock(VariantFactory(product=product, sku=product.slug.upper()), warehouse, 8)
        ProductImageFactory(product=product)
    return products


def promotions_journey_shop():
    load_demo_shipping()
    payment_method_ensure_test_gateway()
    hogar = FamilyFactory(name="Hogar", slug="hogar")
    sillas = CategoryFactory(family=hogar, name="Sillas", slug="sillas")
    brand = BrandFactory(name="Madera Viva", slug="madera-viva")
    chair = ProductFactory(
        name="Silla Nórdica",
        slug="silla-nordica",
        brand=brand,
        category=sillas,
        base_price=Decimal("200.00"),
        is_new=True,
    )
    stool = ProductFactory(
        name="Banco Andino", slug="banco-andino", brand=brand, category=sillas, base_price=Decimal("120.00")
    )
    warehouse = WarehouseFactory(code="LIM", priority=1)
    for product, sku in ((chair, "SN-1"), (stool, "BA-1")):
        stock(VariantFactory(product=product, sku=sku), warehouse, 10)
        ProductImageFactory(product=product)
    now = timezone.now()
    discount_create(
        name="Semana de las sillas",
        kind=AutomaticDiscount.Kind.PERCENTAGE,
        value=Decimal("15"),
        scope=Scope.PRODUCTS,
        products=[chair],
        starts_at=now - timedelta(days=1),
    )
    # three badges on the chair's card (new, −15 %, 3x2): they must stay clear of the heart on a phone
    three_for_two(chair, name="3x2 Sillas")
    coupon_create(code="KALLPA20", name="S/ 20", kind=Coupon.Kind.FIXED, value=Decimal("20"))
    coupon_create(
        code="INVIERNO2025",
        name="Vencido",
        kind=Coupon.Kind.PERCENTAGE,
        value=Decimal("20"),
        starts_at=now - timedelta(days=60),
        ends_at=now - timedelta(days=30),
    )


def receipts_journey_shop(settings):
    settings.DEBUG = False
    settings.STRIPE_SECRET_KEY = settings.PAYPAL_CLIENT_ID = ""
    load_demo_shipping()
    payment_method_ensure_test_gateway()
    moda = FamilyFactory(name="Moda", slug="moda")
    category = CategoryFactory(family=moda, name="Casacas", slug="casacas")
    jacket = ProductFactory(
        name="Casaca Cordillera",
        slug="casaca-cordillera",
        brand=BrandFactory(name="Inti Wear"),
        category=category,
        base_price=Decimal("1799.99"),
    )
    ProductImageFactory(product=jacket)
    stock(VariantFactory(product=jacket, sku="CC-M"), WarehouseFactory(), 5)


def reviews_journey_shop():
    family = FamilyFactory(name="Tecnología", slug="tecnologia")
    category = CategoryFactory(family=family, name="Tarjetas de video", slug="tarjetas-de-video")
    line = ProductLineFactory(name="NVIDIA GeForce RTX 4070", slug="rtx-4070", category=category, manufacturer="NVIDIA")
    seller = SellerFactory(is_approved=True, store_name="Andes Gaming", slug="andes-gaming")
    brands = [BrandFactory(name="ASUS", slug="asus"), BrandFactory(name="MSI", slug="msi")]
    warehouse = WarehouseFactory(code="LIM-CENTRAL", name="Lima central", priority=1)
    products = []
    for index, (name, brand) in enumerate([("ASUS Dual RTX 4070 OC", brands[0]), ("MSI Ventus RTX 4070", brands[1])]):
        product = ProductFactory(
            name=name,
            slug=f"rtx-4070-{index}",
            brand=brand,
            category=category,
            line=line,
            seller=seller,
            base_price=Decimal("2899.00") + index * 100,
        )
        stock(VariantFactory(product=product, sku=f"RTX-{index}"), warehouse, 5)
        ProductImageFactory(product=product)
        products.append(product)
    return {"products": products, "line": line, "seller": seller, "category": category}


def seller_onboarding_journey_shop(tmp_path):
    roles_sync()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    staff = UserFactory(email="catalogo@kallpa.pe", is_staff=True)
    account_services.user_add_role(user=staff, role=Role.CATALOG_MANAGER)
    seller = SellerFactory(store_name="Tejidos Vicús", slug="tejidos-vicus")
    account_services.seller_approve(seller=seller, actor=superuser)
    warehouse = Warehouse.objects.create(code="VIC-01", name="Almacén Vicús", seller=seller)
    BrandFactory(name="ASUS", slug="asus")
    CategoryFactory(name="Tarjetas gráficas", slug="tarjetas-graficas")
    CategoryFactory(name="Chompas", slug="chompas")
    BrandFactory(name="Vicús", slug="vicus")
    OptionValueFactory(slug="m", value="M")
    OptionValueFactory(slug="l", value="L")
    photo = tmp_path / "chompa.png"
    photo.write_bytes(png_file("chompa.png").read())
    return {"seller": seller, "staff": staff, "warehouse": warehouse, "photo": photo, "superuser": superuser}


def kit_gamer_shop():
    """Kit Gamer (10 % as a kit): a keyboard whose first colour was never stocked and whose second
    costs S/ 20 more, a chair with S/ 100 off automatically, and an optional mouse; with the
    shipping and test gateway a shopper needs to buy it."""
    load_demo_shipping()
    payment_method_ensure_test_gateway()
    warehouse = WarehouseFactory(code="LIM", priority=1)
    color = OptionFactory(code="color")
    red, black, white = (
        OptionValueFactory(option=color, slug=slug, value=value)
        for slug, value in (("rojo", "Rojo"), ("negro", "Negro"), ("blanco", "Blanco"))
    )
    keyboard = ProductFactory(name="Teclado Kallpa K1", slug="teclado-k1", base_price=Decimal("199.90"))
    variants = {
        "red": VariantFactory(product=keyboard, sku="K1-ROJO", values=[red], order=0),
        "black": VariantFactory(
            product=keyboard, sku="K1-NEGRO", values=[black], order=1, price_modifier=Decimal("20.00")
        ),
        "white": VariantFactory(product=keyboard, sku="K1-BLANCO", values=[white], order=2),
        "chair": VariantFactory(
            sku="SILLA-G",
            product=ProductFactory(name="Silla Gamer Inti", slug="silla-gamer", base_price=Decimal("899.90")),
        ),
        "mouse": VariantFactory(
            sku="MOUSE-M1", product=ProductFactory(name="Mouse M1", slug="mouse-m1", base_price=Decimal("129.90"))
        ),
    }
    for name, units in (("black", 5), ("white", 3), ("chair", 4), ("mouse", 5)):
        stock(variants[name], warehouse, units)
    amount_off("100", scope=Scope.PRODUCTS, products=[variants["chair"].product])
    kit = KitFactory(slug="kit-gamer", name="Kit Gamer", discount_percent=Decimal("10.00"))
    items = {
        "keyboard_item": KitItemFactory(kit=kit, product=keyboard, order=0),
        "chair_item": KitItemFactory(kit=kit, product=variants["chair"].product, order=1),
        "mouse_item": KitItemFactory(kit=kit, product=variants["mouse"].product, is_optional=True, order=2),
    }
    return {"kit": kit, "warehouse": warehouse, **variants, **items}


def build_shop(kind: str, fixture=None):
    """The shop a test module asks for with `pytest.mark.shop(kind)` (tests/conftest.py's `shop`);
    a builder's parameters name the pytest fixtures it needs, which `fixture(name)` gives.

    Built in one transaction: for a transactional test (a browser journey) each factory's save would
    otherwise commit on its own, and each commit of a catalog write runs its category's facet count
    again (catalog.catalog_version, the task run inline in tests); once at the shop's commit instead."""
    builder = SHOPS[kind]
    fixtures = {name: fixture(name) for name in inspect.signature(builder).parameters}
    with transaction.atomic():
        return builder(**fixtures)


SHOPS = {
    "checkout": checkout_shop,
    "promotions": promotions_shop,
    "storefront": storefront_shop,
    "sunat": sunat_shop,
    "faults": faults_shop,
    "catalog_journey": catalog_journey_shop,
    "catalog17_journey": catalog17_journey_shop,
    "checkout_journey": checkout_journey_shop,
    "kit_gamer": kit_gamer_shop,
    "dashboard_journey": dashboard_journey_shop,
    "newcomer_journey": newcomer_journey_shop,
    "promotions_journey": promotions_journey_shop,
    "receipts_journey": receipts_journey_shop,
    "reviews_journey": reviews_journey_shop,
    "seller_onboarding_journey": seller_onboarding_journey_shop,
}


# --- alerts ---------------------------------------------------------------------------

import time  # noqa: E402

from django.core.cache import cache  # noqa: E402

from cart.models import CartClient  # noqa: E402
from cart.store import CART_TTL_SECONDS, RedisCartStore, cart_store  # noqa: E402


def age_cart(cart_id: str, hours: float) -> None:
    """Make the cart look last written `hours` ago: the store's own clock (Redis' time to live) and
    the client the cart app recorded on the last add."""
    CartClient.objects.filter(cart_key=cart_id).update(seen_at=timezone.now() - timedelta(hours=hours))
    store = cart_store()
    seconds = int(hours * 3600)
    if isinstance(store, RedisCartStore):
        store.client.expire(store._key(cart_id), CART_TTL_SECONDS - seconds)
    else:
        cache.set(store._touched_key(cart_id), time.time() - seconds, CART_TTL_SECONDS)
