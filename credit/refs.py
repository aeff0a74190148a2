"""What credit reads of the rows of the apps above it, which it may not import (README, "Layout"):
an order (orders.Order) and a return request (returns.ReturnRequest). The type checker checks
that callers pass rows with these attributes."""

from decimal import Decimal
from typing import Any, Protocol


class OrderRef(Protocol):
    @property
    def pk(self) -> Any: ...

    @property
    def number(self) -> str: ...

    @property
    def total(self) -> Decimal: ...


class ReturnRef(Protocol):
    @property
    def pk(self) -> Any: ...

    @property
    def number(self) -> str: ...

    @property
    def order(self) -> OrderRef: ...
