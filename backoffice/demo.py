"""The back office's demo: one user per staff role, and two marketplace sellers, each with a
warehouse, their own products stocked through the inventory services and a paid order of them
(placed and paid through the orders services). Idempotent: what exists is left alone."""

import secrets
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.roles import Role

# (e-mail, first name, last name, role): the staff a Peruvian shop's team would have.
DEMO_STAFF = [
    ("almacen@kallpa.pe", "Jorge", "Huamán", Role.WAREHOUSE_OPERATOR),
    ("atencion@kallpa.pe", "Lucía", "Flores", Role.SUPPORT),
    ("catalogo@kallpa.pe", "Diego", "Rojas", Role.CATALOG_MANAGER),
    ("gerencia@kallpa.pe", "Carmen", "Salazar", Role.ADMINISTRATOR),
]
# (e-mail, store name, RUC, warehouse code, [(product name, SKU, price)])
DEMO_SELLERS = [
    # The seller the reviews demo lists popular products under (reviews.demo.DEMO_SELLER).
    ("ventas@andestech.demo.kallpa.pe", "Andes Tech", "20608745123", "AND-01", [
        ("Audífonos inalámbricos Andes Pro", "AND-AUD-01", "149.90"),
        ("Cargador rápido USB-C 65 W", "AND-CAR-65", "89.90"),
    ]),
    ("ventas@tejidosvicus.pe", "Tejidos Vicús", "20131312955", "VIC-01", [
        ("Chompa de alpaca tejida a mano", "VIC-CHO-01", "259.00"),
        ("Chalina de baby alpaca", "VIC-CHA-01", "119.00"),
    ]),
]
ORDER_KEY = "demo-seller-order-{}"


def ensure_demo_staff(credentials: dict, ensure_user) -> list[tuple[str, str, bool, str | None]]:
    """(e-mail, role, created, known password) of each demo staff user."""
    from accounts.services import user_add_role

    User = get_user_model()
    rows = []
    for email, first_name, last_name, role in DEMO_STAFF:
        with transaction.atomic():
            created, password = ensure_user(email, superuser=False, credentials=credentials,
                                            first_name=first_name, last_name=last_name)
            user = User.objects.get(email=email)
            if created:
                User.objects.filter(pk=user.pk).update(is_staff=True)
                user_add_role(user=user, role=role)
        rows.append((email, role, created, password))
    return rows


def ensure_demo_sellers(credentials: dict, ensure_user) -> list[tuple[str, str, bool, str | None]]:
    """Two approved sellers with their own warehouse, products, stock and a paid order."""
    from accounts.models import Seller
    from accounts.services import seller_apply, seller_approve
    from catalog.models import Brand, Category, Product, Variant
    from inventory.models import Warehouse
    from inventory.services import stock_receive
    from orders.models import Order
    from orders.services import OrderLineData, address_snapshot, order_create, order_mark_paid

    User = get_user_model()
    approver = User.objects.filter(is_superuser=True).order_by("pk").first()
    category = Category.objects.filter(is_active=True).order_by("pk").first()
    brand = Brand.objects.order_by("pk").first()
    customer = User.objects.filter(email="cliente@kallpa.pe").first()
    rows = []
    for index, (email, store_name, ruc, code, products) in enumerate(DEMO_SELLERS, start=1):
        with transaction.atomic():
            seller = Seller.objects.filter(ruc=ruc).select_related("user").first()
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
                created, password = ensure_user(email, superuser=False, credentials=credentials,
                                                first_name=store_name, last_name="")
            user = seller.user if seller is not None else User.objects.get(email=email)
            email = user.email
            seller = seller or seller_apply(user=user, store_name=store_name, ruc=ruc)
            if not seller.is_approved and approver is not None:
                seller = seller_approve(seller=seller, actor=approver)
            User.objects.filter(pk=user.pk, is_staff=False).update(is_staff=True)  # sellers work in the admin
            warehouse, _ = Warehouse.objects.get_or_create(
                code=code, defaults={"name": f"Almacén {store_name}", "seller": seller, "kind": Warehouse.Kind.OWN,
                                     "priority": 50})
            variants = []
            for name, sku, price in products:
                variant = Variant.objects.filter(sku=sku).first()
                if variant is None and category is not None and brand is not None:
                    product = Product.objects.create(
                        name=name, slug=sku.lower(), base_sku=sku, brand=brand, category=category, seller=seller,
                        base_price=Decimal(price), status=Product.Status.ACTIVE, description=name)
                    variant = Variant.objects.create(product=product, sku=sku)
                    stock_receive(variant=variant, warehouse=warehouse, quantity=25, reason="Stock inicial del vendedor")
                if variant is not None:
                    variants.append(variant)
        key = ORDER_KEY.format(index)
        if customer is not None and customer.addresses.exists() and variants and not Order.objects.filter(idempotency_key=key).exists():
            snapshot = address_snapshot(customer.addresses.order_by("pk").first())
            order = order_create(customer=customer, email=customer.email,
                                 lines=[OrderLineData.from_variant(variants[0], quantity=1)],
                                 shipping_address=snapshot, billing_address=snapshot, shipping_method_id=None,
                                 shipping_method_name="Olva Courier", shipping_total=Decimal("12.00"),
                                 idempotency_key=key)
            order_mark_paid(order=order)
        rows.append((email, f"{Role.SELLER} · {store_name}", created, password))
    return rows
