"""One-time keys: a form or call sent again with the same key gets the first result back,
and only whoever the first result belongs to does.

A keyed row (an order, a return request, a refund) stores its key in a unique
`idempotency_key` column. `first_result` finds the row an earlier submission with the key
created; the caller says whose it must be (`owner`: a buyer) and what it must be about
(`about`: the order or payment the form was for). Anything else gets the caller's refusal,
never someone else's result."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

Row = TypeVar("Row", bound=Model)


@dataclass(frozen=True, kw_only=True)
class Owner:
    """Who sends a keyed form, for the one ownership rule (`owns`).

    customer_id: the signed-in customer, or None for a guest.
    email: the e-mail the submission gives ("" when it no longer knows it: checkout forgets
        its details once the order is placed).
    handed: for a guest, that the key or its result was handed to this very submitter, or a
        test of the row saying so. A browser proves it with its session (a posted key proves
        nothing by itself); a service called with a key takes its caller's word (True)."""

    customer_id: int | None
    email: str = ""
    handed: bool | Callable[[Any], bool] = True

    @classmethod
    def of(cls, customer, *, email: str = "", handed: bool | Callable[[Any], bool] = True) -> "Owner":
        signed_in = customer is not None and getattr(customer, "is_authenticated", False)
        return cls(customer_id=customer.pk if signed_in else None, email=(email or "").strip().lower(), handed=handed)

    def owns(self, row) -> bool:
        """The same signed-in customer, or a guest row for a guest who was handed the key or the
        result; and, when the submission names an e-mail, the row's."""
        if row.customer_id != self.customer_id:
            return False
        if self.email and (row.email or "").lower() != self.email:
            return False
        if self.customer_id is not None:
            return True
        return bool(self.handed(row) if callable(self.handed) else self.handed)


def first_result(
    rows: QuerySet[Row],
    *,
    key: str | None,
    refusal: Exception,
    owner: Owner | None = None,
    about: dict[str, Any] | None = None,
) -> Row | None:
    """The row an earlier submission with `key` created (marked `replayed = True`), or None when
    there is no key or it was not used yet. When the row is not `owner`'s or not about the same
    things (`about`: field values it must have), `refusal` is raised: one key, one result, one owner."""
    if not key:
        return None
    first = rows.filter(idempotency_key=key).first()
    if first is None:
        return None
    belongs = owner is None or owner.owns(first)
    if not belongs or any(getattr(first, name) != value for name, value in (about or {}).items()):
        raise refusal
    first.replayed = True  # type: ignore[attr-defined]  # a mark on this instance only, not a field
    return first
