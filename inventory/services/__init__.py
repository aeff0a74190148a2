"""Every change of stock goes through these functions (keyword-only arguments, one
transaction each); bad input raises an inventory.exceptions.InventoryError subclass and
writes nothing.

Race freedom: a service locks the stock-level rows it touches with SELECT … FOR UPDATE in
primary-key order (so two services never wait on each other in a cycle), then reads the
active unexpired reservations of those rows in a new statement (a fresh snapshot under READ
COMMITTED, after the lock), decides, and writes. on_hand changes only together with a
movement in the same transaction, so on_hand always equals the sum of movements. A
customer's purchase limit is checked under a lock of the customer's row, taken before any
stock lock. On PostgreSQL, stock_reserve runs the same steps inside one database function
call (see reservations.py).
"""

from .alerts import low_stock_notify
from .order_stock import OrderStockSale, order_stock_restore, order_stock_restore_units, order_stock_sell
from .purchasing import (
    purchase_order_cancel,
    purchase_order_create,
    purchase_order_lines_check,
    purchase_order_next_number,
    purchase_order_place,
    purchase_order_recalculate,
    purchase_order_receive,
    purchase_order_update,
    supplier_create,
)
from .reservations import (
    customer_purchase_limit_check,
    reservation_convert,
    reservation_release,
    reservation_renew,
    reservations_expire,
    stock_reserve,
)
from .stock import stock_adjust, stock_level_open, stock_receive, stock_return, stock_transfer, stock_write_off

__all__ = [
    "OrderStockSale",
    "customer_purchase_limit_check",
    "low_stock_notify",
    "order_stock_restore",
    "order_stock_restore_units",
    "order_stock_sell",
    "purchase_order_cancel",
    "purchase_order_create",
    "purchase_order_lines_check",
    "purchase_order_next_number",
    "purchase_order_place",
    "purchase_order_recalculate",
    "purchase_order_receive",
    "purchase_order_update",
    "reservation_convert",
    "reservation_release",
    "reservation_renew",
    "reservations_expire",
    "stock_adjust",
    "stock_level_open",
    "stock_receive",
    "stock_reserve",
    "stock_return",
    "stock_transfer",
    "stock_write_off",
    "supplier_create",
]
