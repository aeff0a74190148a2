"""What promotions asks of the apps above it (core.ports), plugged in by the app that provides
it in its AppConfig.ready() and called inside promotions' own reads."""

from django.contrib.auth.base_user import AbstractBaseUser

from core.ports import Port

# Whether a buyer has an order that was not cancelled, one order aside: the first-order limit.
# Called as (customer=, email=, exclude_order_id=). Orders sit above promotions, so orders plugs
# its read in (orders.apps).
buyer_has_ordered: Port[[AbstractBaseUser | None, str, int | None], bool] = Port("promotions.buyer_has_ordered")
