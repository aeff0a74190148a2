"""Every row reads as a person would wherever the admin names it (titles, messages, inline rows,
history, pickers): "Polo básico (M) · Almacén Central", never "1467 @ 4" or "Model object (12)"."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from accounts.models import User
from alerts.models import StockAlert
from backoffice.models import LineCommission
from catalog.models import (
    Collection,
    CollectionItem,
    OptionValue,
    PriceHistory,
    Product,
    ProductOptionValue,
    Variant,
)
from credit.models import CreditUse, GiftCard, GiftCardUse, StoreCredit
from favourites.models import Favourite, FavouriteShare
from inventory.models import PurchaseOrderLine, Reservation
from orders.models import Order, OrderEmail, OrderEmailKind, OrderLine, OrderNote
from payments.models import Payment, Refund
from promotions.models import AutomaticDiscount, DiscountTarget, QuantityOffer, QuantityOfferTarget
from returns.models import ReturnEmail, ReturnRequest, ReturnStatus
from reviews.models import Review, ReviewInvitation, ReviewReport, ReviewVote
from tests.factories import OptionValueFactory, ProductFactory, VariantFactory, WarehouseFactory, stock

ROOT = Path(__file__).resolve().parents[2]
BIG_ID = 987654  # a database id; a name that shows it shows an id


def test_every_model_of_the_store_says_its_own_name():
    nameless = [
        model._meta.label
        for model in apps.get_models()
        if Path(apps.get_app_config(model._meta.app_label).path).is_relative_to(ROOT)
        and not model.__name__.startswith("Historical")
        and model.__str__ is models.Model.__str__
    ]
    assert nameless == []


@pytest.mark.django_db
def test_a_stock_level_and_its_reservation_name_the_product_size_and_warehouse():
    variant = VariantFactory(
        product=ProductFactory(name="Polo básico"), sku="POLO-M", values=[OptionValueFactory(slug="m", value="M")]
    )
    level = stock(variant, WarehouseFactory(code="LIM", name="Almacén Central"), 3)
    reservation = Reservation(stock_level=level, quantity=2, status=Reservation.Status.ACTIVE)

    assert str(level) == "Polo básico (M) · Almacén Central"
    assert str(reservation) == f"2 × Polo básico (M) · Almacén Central ({Reservation.Status.ACTIVE.label})"


def _order():
    return Order(pk=BIG_ID, number="PED-20261125-0007")


def _variant():
    return Variant(pk=BIG_ID, sku="POLO-M", product=Product(pk=BIG_ID, name="Polo básico"))


def _line():
    return OrderLine(pk=BIG_ID, order=_order(), sku="POLO-M", quantity=2)


NAMES = [
    (lambda: PriceHistory(variant=_variant(), price=Decimal("59.90")), "POLO-M: S/ 59.90"),
    (lambda: PurchaseOrderLine(variant=_variant(), quantity_ordered=12), "12 × POLO-M"),
    (lambda: OrderEmail(order=_order(), kind=OrderEmailKind.PAID), "PED-20261125-0007 · "),
    (
        lambda: OrderNote(order=_order(), created_at=timezone.make_aware(timezone.datetime(2026, 11, 25, 15, 4))),
        "PED-20261125-0007 · 2026-11-25 ",
    ),
    (
        lambda: Favourite(
            user=User(pk=BIG_ID, email="rosa@example.pe"), product=Product(pk=BIG_ID, name="Polo básico")
        ),
        "rosa@example.pe ♥ Polo básico",
    ),
    (
        lambda: FavouriteShare(user=User(pk=BIG_ID, email="rosa@example.pe"), key="abcdef123456"),
        "rosa@example.pe: abcdef…",
    ),
    (
        lambda: CreditUse(credit=StoreCredit(pk=BIG_ID, number="VALE-2026-0001"), amount=Decimal("-20")),
        "VALE-2026-0001: -S/ 20.00",
    ),
    (lambda: GiftCardUse(card=GiftCard(pk=BIG_ID, number="GC-ABCD"), amount=Decimal("50")), "GC-ABCD: S/ 50.00"),
    (
        lambda: LineCommission(order_line=_line(), rate=Decimal("10.00"), amount=Decimal("11.50")),
        "PED-20261125-0007 · 2 × POLO-M · 10.00 % · S/ 11.50",
    ),
    (lambda: StockAlert(email="rosa@example.pe", variant=_variant()), "rosa@example.pe → POLO-M"),
    (
        lambda: ReturnEmail(request=ReturnRequest(pk=BIG_ID, number="DEV-2026-0001"), status=ReturnStatus.APPROVED),
        "DEV-2026-0001: ",
    ),
    (lambda: Payment(order=_order(), status=Payment.Status.SUCCEEDED, amount=Decimal("115")), "PED-20261125-0007 · "),
    (
        lambda: Refund(
            payment=Payment(pk=BIG_ID, order=_order()), status=Refund.Status.REQUESTED, amount=Decimal("40")
        ),
        "PED-20261125-0007 · ",
    ),
    (
        lambda: CollectionItem(
            collection=Collection(pk=BIG_ID, name="Drop de verano"), product=Product(pk=BIG_ID, name="Polo básico")
        ),
        "Drop de verano · Polo básico",
    ),
    (
        lambda: ProductOptionValue(
            product=Product(pk=BIG_ID, name="Polo básico"),
            option_value=OptionValue(pk=BIG_ID, value="M", option_id=None),
        ),
        "Polo básico · ",
    ),
    (
        lambda: DiscountTarget(
            discount=AutomaticDiscount(pk=BIG_ID, name="Cyber"), product=Product(pk=BIG_ID, name="Polo básico")
        ),
        "Cyber · Polo básico",
    ),
    (
        lambda: QuantityOfferTarget(
            offer=QuantityOffer(pk=BIG_ID, name="3x2"), product=Product(pk=BIG_ID, name="Polo básico")
        ),
        "3x2 · Polo básico",
    ),
    (
        lambda: ReviewVote(review=Review(pk=BIG_ID, rating=5, title="Muy bueno"), user=User(pk=BIG_ID, email="a@b.pe")),
        "a@b.pe · 5★ Muy bueno",
    ),
    (
        lambda: ReviewReport(review=Review(pk=BIG_ID, rating=1, title="Malo"), user=User(pk=BIG_ID, email="a@b.pe")),
        "a@b.pe · 1★ Malo",
    ),
    (lambda: ReviewInvitation(order=_order()), "PED-20261125-0007"),
]


@pytest.mark.parametrize("make, start", NAMES, ids=lambda value: getattr(value, "__name__", None) or str(value)[:20])
def test_a_row_is_named_by_what_people_call_it_never_by_an_id(make, start):
    name = str(make())

    assert name.startswith(start), name
    assert str(BIG_ID) not in name


@pytest.mark.django_db
def test_naming_a_variants_stock_rows_costs_no_query_per_warehouse(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    variant = VariantFactory(
        product=ProductFactory(name="Polo básico"), values=[OptionValueFactory(slug="m", value="M")]
    )
    stock(variant, WarehouseFactory(name="Almacén 1"), 2)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page = client.get(f"/admin/catalog/variant/{variant.pk}/change/")
        assert page.status_code == 200 and "Polo básico (M) · Almacén 1" in page.content.decode()
        return len(captured)

    queries()  # the first page reads what the process keeps (content types, site settings)
    few = queries()
    for index in range(2, 7):
        stock(variant, WarehouseFactory(name=f"Almacén {index}"), 2)
    assert queries() == few
