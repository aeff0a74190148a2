"""The demo customer's favourites, saved through favourites.services (idempotent: a second run
adds nothing): three popular products at today's price, and one saved as a guest before its price
dropped (merged at sign-in with the higher price it was saved at), so "Mis favoritos" shows
"Bajó de precio"; plus one awaiting its launch, if the demo has one, which shows no price."""

from decimal import ROUND_FLOOR, Decimal

from django.contrib.auth import get_user_model

from catalog.models import awaiting_launch
from catalog.selectors import visible_products
from demo.constants import CUSTOMER_EMAIL
from favourites.services import favourite_set, favourites_merge

PRICE_BEFORE_THE_DROP = Decimal("1.15")  # the dropped one was saved at 15 % more than it costs now


def load_demo_favourites(*, customer_email: str) -> None:
    customer = get_user_model().objects.filter(email=customer_email).first()
    if customer is None:
        return
    visible = visible_products().with_price_reveal()
    priced = list(visible.exclude(pk__in=awaiting_launch()).order_by("-units_sold", "pk")[:4])
    if not priced:
        return
    *today, dropped = priced
    for product in today:
        favourite_set(user=customer, product=product, saved=True)
    was = (dropped.shopper_price * PRICE_BEFORE_THE_DROP).quantize(Decimal("1"), rounding=ROUND_FLOOR) + Decimal("0.90")
    favourites_merge(user=customer, guest={dropped.pk: was})
    launching = visible.filter(pk__in=awaiting_launch()).order_by("pk").first()
    if launching is not None:
        favourite_set(user=customer, product=launching, saved=True)


def ensure_demo_favourites() -> None:
    load_demo_favourites(customer_email=CUSTOMER_EMAIL)
