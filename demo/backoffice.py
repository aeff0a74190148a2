"""The back office's demo, made through the same services as the shop:

- the marketplace: two approved sellers with products of the demo catalog, a category rate, paid
  orders of their products (placed and paid as a shopper would) and a partial refund, so the
  payouts page and `seller_payouts` show figures computed from real rows;
- one user per staff role, and sellers with a warehouse of their own, their own products stocked
  through the inventory services and a paid order of them.

Idempotent: a second run finds the sellers, rates, users and orders and changes nothing."""

import secrets
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.roles import Role
from demo.reviews import DEMO_SELLER as REVIEWS_DEMO_SELLER
from demo.reviews import DEMO_SELLER_CATEGORIES

DEMO_SELLERS = [
    # e-mail, store name, RUC, commission rate (%); the first is the reviews demo's seller (its page and
    # reputation), who lists some popular products already
    (*REVIEWS_DEMO_SELLER, Decimal("10.00")),
    ("ventas@pacificoaudio.pe", "Pacífico Audio", "10467793549", Decimal("12.50")),
]
# Each seller's trade (RUC → the categories it lists): products of the catalog are listed under a
# seller only within it.
SELLER_TRADES = {
    REVIEWS_DEMO_SELLER[2]: DEMO_SELLER_CATEGORIES,
    "10467793549": ["audifonos", "teclados", "mouse"],
    "20131312955": ["chompas-y-chalinas"],
}
DEMO_CATEGORY_RATE = Decimal("8.00")  # Andes Tech's rate in the category of its second product
PRODUCTS_EACH = 3
# scenario: (seller index, product index) per line; "refund" gets 30 % of its payment back
DEMO_SALES = [
    ("vendedores-mixto", [(0, 0), (1, 0)]),
    ("vendedores-andes", [(0, 1)]),
    ("vendedores-pacifico", [(1, 1), (1, 2)]),
]
REFUNDED_SCENARIO = "vendedores-pacifico"


def demo_seller_users() -> list[tuple[str, dict]]:
    """(e-mail, user fields) of the sellers' accounts, for demo_data to create with a password."""
    return [
        (email, {"first_name": name.split()[0], "last_name": name.split()[-1]})
        for email, name, _ruc, _rate in DEMO_SELLERS
    ]


def _sellers(admin) -> list:
    from accounts.models import Seller
    from accounts.services import seller_apply, seller_approve

    sellers = []
    for email, store_name, ruc, rate in DEMO_SELLERS:
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            return []
        seller = Seller.objects.filter(user=user).first() or seller_apply(user=user, store_name=store_name, ruc=ruc)
        if not seller.is_approved:
            seller = seller_approve(seller=seller, actor=admin, commission_rate=rate)
        sellers.append(seller)
    return sellers


def _products(sellers, customer) -> list[list]:
    """Each seller's sellable variants (one per product): products of the demo catalog with stock
    in Lima that the customer has not bought already and that have no purchase limit of their own
    (the sellers' demo orders must not run into it), listed under the seller once."""
    from catalog.models import Category
    from catalog.services import products_assign_seller
    from demo.shipping import _demo_variants
    from orders.models import OrderLine

    owned = [_one_per_product(seller) for seller in sellers]
    if all(len(variants) >= PRODUCTS_EACH for variants in owned):
        return owned
    # The dearest sellable products of the shop: far from the cheap ones the customer's demo orders use.
    bought = set(OrderLine.objects.filter(order__customer=customer).values_list("variant__product_id", flat=True))
    free = [
        variant
        for variant in reversed(_demo_variants(200, warehouse_code="LIM-CENTRAL"))
        if variant.product.seller_id is None
        and variant.product_id not in bought
        and variant.product.max_per_customer is None
    ]
    for seller, variants in zip(sellers, owned, strict=True):
        missing = PRODUCTS_EACH - len(variants)
        if missing > 0:
            trade = set(Category.objects.filter(slug__in=SELLER_TRADES[seller.ruc]).values_list("pk", flat=True))
            chosen = [variant for variant in free if variant.product.category_id in trade][:missing]
            free = [variant for variant in free if variant not in chosen]
            products_assign_seller(product_ids=[variant.product_id for variant in chosen], seller_id=seller.pk)
    return [_one_per_product(seller) for seller in sellers]


def _one_per_product(seller) -> list:
    from catalog.models import Variant
    from demo.shipping import _demo_variants

    sellable = {variant.pk: variant for variant in _demo_variants(200, warehouse_code="LIM-CENTRAL")}
    seen, variants = set(), []
    for variant in Variant.objects.filter(product__seller=seller, is_active=True).order_by("product_id", "pk"):
        if variant.product_id not in seen and variant.pk in sellable:
            seen.add(variant.product_id)
            variants.append(sellable[variant.pk])
    return variants


def load_demo_marketplace(*, customer_email: str = "cliente@kallpa.pe") -> dict[str, str]:
    """Returns {scenario: order number} of the sellers' demo orders."""
    from backoffice.models import CategoryCommission
    from demo.shipping import DEMO_KEY, _pay, _place
    from orders.models import Order
    from payments.models import Payment
    from payments.services.refunds import refund_approve, refund_request
    from shipping.models import ShippingMethod

    User = get_user_model()
    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    customer = User.objects.filter(email__iexact=customer_email).first()
    method = ShippingMethod.objects.filter(code="olva-lima", is_active=True).first()
    if admin is None or customer is None or method is None or not customer.addresses.exists():
        return {}
    sellers = _sellers(admin)
    if not sellers:
        return {}
    variants = _products(sellers, customer)
    if any(len(own) < PRODUCTS_EACH for own in variants):
        return {}
    CategoryCommission.objects.get_or_create(
        category_id=variants[0][1].product.category_id, seller=sellers[0], defaults={"rate": DEMO_CATEGORY_RATE}
    )
    done = {}
    for scenario, picks in DEMO_SALES:
        order = Order.objects.filter(idempotency_key=DEMO_KEY.format(scenario)).first()
        if order is None:
            with transaction.atomic():
                order = _place(
                    customer=customer,
                    scenario=scenario,
                    method=method,
                    variants=[variants[seller][product] for seller, product in picks],
                )
                order = _pay(order)
            if scenario == REFUNDED_SCENARIO:
                payment = Payment.objects.get(order=order, status=Payment.Status.SUCCEEDED)
                refund = refund_request(
                    payment=payment,
                    amount=(payment.amount * Decimal("0.3")).quantize(Decimal("0.01")),
                    reason="Cliente devolvió un producto fallado",
                    actor=admin,
                )
                refund_approve(refund=refund, actor=admin)
        done[scenario] = order.number
    return done


# (e-mail, first name, last name, role): the staff a Peruvian shop's team would have.
DEMO_STAFF = [
    ("almacen@kallpa.pe", "Jorge", "Huamán", Role.WAREHOUSE_OPERATOR),
    ("atencion@kallpa.pe", "Lucía", "Flores", Role.SUPPORT),
    ("catalogo@kallpa.pe", "Diego", "Rojas", Role.CATALOG_MANAGER),
    ("gerencia@kallpa.pe", "Carmen", "Salazar", Role.ADMINISTRATOR),
]
# The warehouse the demo's operator works in: they see and ship its legs only.
DEMO_OPERATOR_WAREHOUSE = "LIM-CENTRAL"
# (e-mail, store name, RUC, warehouse code, [(product name, SKU, price, category slug, brand, picture)]);
# each product under the category and brand it belongs to (a missing one is made), with a photo.
SELLER_STORES = [
    # The seller the reviews demo lists popular products under (demo.reviews.DEMO_SELLER).
    (
        "ventas@andestech.demo.kallpa.pe",
        "Andes Tech",
        "20608745123",
        "AND-01",
        [
            (
                "Audífonos inalámbricos Andes Pro",
                "AND-AUD-01",
                "149.90",
                "audifonos",
                "Andes Tech",
                ("headphones", "#263238"),
            ),
            ("Mouse inalámbrico Andes Click", "AND-MOU-01", "59.90", "mouse", "Andes Tech", ("mouse", "#eceff1")),
        ],
    ),
    (
        "ventas@tejidosvicus.pe",
        "Tejidos Vicús",
        "20131312955",
        "VIC-01",
        [
            (
                "Chompa de alpaca tejida a mano",
                "VIC-CHO-01",
                "259.00",
                "chompas-y-chalinas",
                "Tejidos Vicús",
                ("hoodie", "#a1887f"),
            ),
            (
                "Chalina de baby alpaca",
                "VIC-CHA-01",
                "119.00",
                "chompas-y-chalinas",
                "Tejidos Vicús",
                ("tshirt", "#d7ccc8"),
            ),
        ],
    ),
]
# Categories the sellers' products need that the demo catalog does not have: slug → (name, family slug).
SELLER_CATEGORIES = {
    "audifonos": ("Audífonos", "tecnologia", "Audífonos gamer, over-ear e in-ear inalámbricos."),
    "mouse": ("Mouse", "tecnologia", "Mouse gamer y de oficina, con sensores precisos y diseños ergonómicos."),
    "chompas-y-chalinas": ("Chompas y chalinas", "moda", "Tejidos de alpaca y baby alpaca hechos a mano en el Perú."),
}
ORDER_KEY = "demo-seller-order-{}"


def ensure_demo_staff(credentials: dict, ensure_user) -> list[tuple[str, str, bool, str | None]]:
    """(e-mail, role, created, known password) of each demo staff user."""
    from accounts.services import user_add_role

    User = get_user_model()
    rows = []
    for email, first_name, last_name, role in DEMO_STAFF:
        with transaction.atomic():
            created, password = ensure_user(
                email, superuser=False, credentials=credentials, first_name=first_name, last_name=last_name
            )
            user = User.objects.get(email=email)
            if created:
                User.objects.filter(pk=user.pk).update(is_staff=True)
                user_add_role(user=user, role=role)
            if role == Role.WAREHOUSE_OPERATOR:
                _assign_warehouse(user, DEMO_OPERATOR_WAREHOUSE)
        rows.append((email, role, created, password))
    _support_phone()
    return rows


DEMO_SUPPORT_PHONE = "(01) 640-9000"


def _support_phone() -> None:
    """The demo store answers the phone too (shown beside the support address), unless an
    administrator already set a number or removed it on purpose (a saved setting)."""
    from constance import config
    from constance.models import Constance

    if not Constance.objects.filter(key="SUPPORT_PHONE").exists():
        config.SUPPORT_PHONE = DEMO_SUPPORT_PHONE


def _assign_warehouse(user, code: str) -> None:
    """The operator works in one warehouse (also on a demo made before they had one)."""
    from inventory.models import Warehouse
    from shipping.models import WarehouseOperator

    warehouse = Warehouse.objects.filter(code=code).first()
    if warehouse is not None:
        WarehouseOperator.objects.get_or_create(user=user, warehouse=warehouse)


def _category(slug: str):
    from catalog.models import Category, Family

    category = Category.objects.filter(slug=slug).first()
    if category is None and slug in SELLER_CATEGORIES:
        name, family_slug, description = SELLER_CATEGORIES[slug]
        family = Family.objects.filter(slug=family_slug).first() or Family.objects.order_by("pk").first()
        if family is not None:
            category = Category.objects.create(slug=slug, name=name, family=family, description=description)
    return category


def _brand(name: str):
    from django.utils.text import slugify

    from catalog.models import Brand

    brand, _ = Brand.objects.get_or_create(slug=slugify(name), defaults={"name": name, "country": "PE"})
    return brand


def _product_photo(product, picture: tuple[str, str]) -> None:
    """A product shot drawn locally (demo.catalog.images), once."""
    from django.core.files.base import ContentFile

    from catalog.models import ProductImage
    from demo.catalog import images

    if product.images.exists():
        return
    kind, colour = picture
    content = images.render(("product", (kind, colour, 0, 600), "JPEG"))
    ProductImage.objects.create(
        product=product, image=ContentFile(content, name=f"{product.base_sku.lower()}.jpg"), alt=product.name, order=0
    )


def _seller_product(
    seller, warehouse, name: str, sku: str, price: str, category_slug: str, brand_name: str, picture: tuple[str, str]
):
    """The seller's product under its own category and brand, with a photo and stock; one made by an
    earlier demo under the wrong ones is moved (through the catalog's services)."""
    from catalog.models import Product, Variant
    from catalog.services import product_save, variant_save
    from inventory.services import stock_receive

    category, brand = _category(category_slug), _brand(brand_name)
    variant = Variant.objects.filter(sku=sku).select_related("product").first()
    if variant is None:
        if category is None:
            return None
        product = product_save(
            product=Product(
                name=name,
                slug=sku.lower(),
                base_sku=sku,
                brand=brand,
                category=category,
                seller=seller,
                base_price=Decimal(price),
                status=Product.Status.ACTIVE,
                description=name,
            )
        )
        variant = variant_save(variant=Variant(product=product, sku=sku))
        stock_receive(variant=variant, warehouse=warehouse, quantity=25, reason="Stock inicial del vendedor")
    product = variant.product
    if category is not None and (product.category_id, product.brand_id) != (category.pk, brand.pk):
        product.category, product.brand = category, brand
        product_save(product=product)
    _product_photo(product, picture)
    return variant


def ensure_demo_sellers(credentials: dict, ensure_user) -> list[tuple[str, str, bool, str | None]]:
    """Two approved sellers with their own warehouse, products, stock and a paid order."""
    from accounts.models import Seller
    from accounts.services import seller_apply, seller_approve
    from inventory.models import Warehouse
    from orders.models import Order
    from orders.services import OrderLineData, address_snapshot, order_create, order_payment_record

    User = get_user_model()
    approver = User.objects.filter(is_superuser=True).order_by("pk").first()
    customer = User.objects.filter(email="cliente@kallpa.pe").first()
    rows: list[tuple[str, str, bool, str | None]] = []
    for index, (email, store_name, ruc, code, products) in enumerate(SELLER_STORES, start=1):
        with transaction.atomic():
            seller = Seller.objects.filter(ruc=ruc).select_related("user").first()
            password: str | None
            if seller is not None and not seller.user.has_usable_password():
                # Made by another demo step without a login: give it one to print.
                password = secrets.token_urlsafe(12)
                seller.user.set_password(password)
                seller.user.save(update_fields=["password"])
                credentials[seller.user.email] = password
                created = True
            elif seller is not None:
                created, known = False, credentials.get(seller.user.email)
                password = known if known and seller.user.check_password(known) else None
            else:
                created, password = ensure_user(
                    email, superuser=False, credentials=credentials, first_name=store_name, last_name=""
                )
            user = seller.user if seller is not None else User.objects.get(email=email)
            email = user.email
            seller = seller or seller_apply(user=user, store_name=store_name, ruc=ruc)
            if not seller.is_approved and approver is not None:
                seller = seller_approve(seller=seller, actor=approver)
            User.objects.filter(pk=user.pk, is_staff=False).update(is_staff=True)  # sellers work in the admin
            warehouse, _ = Warehouse.objects.get_or_create(
                code=code,
                defaults={
                    "name": f"Almacén {store_name}",
                    "seller": seller,
                    "kind": Warehouse.Kind.SELLER,
                    "priority": 50,
                },
            )
            variants = [
                variant for product in products if (variant := _seller_product(seller, warehouse, *product)) is not None
            ]
        key = ORDER_KEY.format(index)
        if (
            customer is not None
            and customer.addresses.exists()
            and variants
            and not Order.objects.filter(idempotency_key=key).exists()
        ):
            address = customer.addresses.order_by("pk").first()
            assert address is not None  # exists() above
            snapshot = address_snapshot(address)
            order = order_create(
                customer=customer,
                email=customer.email,
                lines=[OrderLineData.from_variant(variants[0], quantity=1)],
                shipping_address=snapshot,
                billing_address=snapshot,
                shipping_method_id=None,
                shipping_method_name="Olva Courier",
                shipping_total=Decimal("12.00"),
                idempotency_key=key,
            )
            order_payment_record(order=order)
        rows.append((email, f"{Role.SELLER} · {store_name}", created, password))
    return rows
