"""Sending something once, however often its task runs.

A Celery task may run twice (a retry after a crash, a redelivered message, the sweep of pending
work re-enqueueing it), so an e-mail cannot be sent just because a task ran. Before sending, the
task claims the row that records the e-mail, in one statement the database settles: only one run
gets it and sends; a run that finds it claimed sends nothing. When the send raises, the claim is
given back before the error goes on, so the retry Celery makes sends it after all.

Two kinds of claim:
- Stamp: a timestamp field going from empty to now (`sent_at` of an order e-mail), by a
  conditional UPDATE; giving it back empties the field again.
- Insert: a row whose unique key names the work (a review invitation per order); giving it back
  deletes the row.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone


class Claim(Protocol):
    def take(self) -> bool:
        """Claim the work; False when another run already has it (or did it)."""

    def release(self) -> None:
        """Give a claim taken by take() back, so the next run does the work."""


@dataclass
class Stamp:
    """The claim is `field` of the row in `rows` going from NULL to now (one UPDATE, so two
    concurrent runs cannot both see it empty). `rows` may narrow it further: a row that does not
    match is not claimed."""

    rows: QuerySet
    field: str = "sent_at"

    def take(self) -> bool:
        return bool(self.rows.filter(**{f"{self.field}__isnull": True}).update(**{self.field: timezone.now()}))

    def release(self) -> None:
        self.rows.update(**{self.field: None})


@dataclass
class Insert:
    """The claim is a new row of `model` with `values`, whose unique constraint turns away a second
    one (inserted in a savepoint of its own, so a caller's transaction survives the refusal)."""

    model: type[models.Model]
    values: dict[str, Any]
    row: models.Model | None = field(default=None, init=False)

    def take(self) -> bool:
        try:
            with transaction.atomic():
                self.row = self.model._default_manager.create(**self.values)
        except IntegrityError:
            return False
        return True

    def release(self) -> None:
        if self.row is not None:
            self.model._default_manager.filter(pk=self.row.pk).delete()
            self.row = None


def send_once(*, claim: Claim, send: Callable[[], object]) -> bool:
    """Run `send` if this run takes the claim: True when it sent, False when another run had.
    When `send` raises, the claim is released and the error re-raised (for the task's retry)."""
    if not claim.take():
        return False
    try:
        send()
    except Exception:
        claim.release()
        raise
    return True
