"""The shape of an order's timeline: one event per thing that happened to the order, as the
order pages show it. Orders renders it (the admin order page, the customer's order page) but
cannot read the rows of the apps above it (payments, receipts, returns), so the list is built
by the `timeline` app and reaches orders through orders.ports.order_timeline."""

from dataclasses import dataclass
from datetime import datetime


class Audience:
    """Who reads the timeline: what each one sees is a filter of the one list (timeline.selectors)."""

    STAFF = "staff"  # the back office: everything, with who did it and links to the admin pages
    SELLER = "seller"  # a marketplace seller in the admin: the order's status and their own legs only
    CUSTOMER = "customer"  # the shopper (signed in, or a guest through their link): shopper wording only

    ALL = (STAFF, SELLER, CUSTOMER)


@dataclass(frozen=True)
class TimelineEvent:
    when: datetime
    kind: str  # what it is about, for the icon and CSS: order, payment, receipt, email, shipment, ...
    title: str
    detail: str = ""
    who: str = ""  # staff only: the back office user who did it ("" for the customer or the system)
    url: str = ""
    tone: str = ""  # success, danger, warning or "" (the marker's colour)
