"""The waiting room's one write: staff set it (a row for the audit trail, then Redis, which every
web node reads, once the row is committed)."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction

from .models import RoomChange
from .room import RoomSettings, forget_settings, room


@transaction.atomic
def room_set(
    *,
    drop_open: bool,
    opens_at: datetime | None,
    rate: Decimal,
    threshold: int,
    admission_minutes: int,
    actor_id: int | None,
    max_active: int = 0,
) -> RoomChange:
    """Opening a drop (from closed) starts a new line: earlier tickets and admissions are void.
    Changing the rate, the threshold or the cap keeps everyone's place."""
    current = room().settings()
    new_queue = drop_open and not current.drop_open
    change = RoomChange.objects.create(
        drop_open=drop_open,
        opens_at=opens_at,
        rate=rate,
        threshold=threshold,
        max_active=max_active,
        admission_minutes=admission_minutes,
        new_queue=new_queue,
        created_by_id=actor_id,
    )
    live = RoomSettings(
        epoch=current.epoch + 1 if new_queue or not current.epoch else current.epoch,
        drop_open=drop_open,
        opens_at=opens_at.timestamp() if drop_open and opens_at else 0.0,
        rate=float(rate),
        threshold=threshold,
        admission_seconds=admission_minutes * 60,
        max_active=max_active,
    )

    def publish() -> None:
        room().store(live, new_queue=new_queue)
        forget_settings()

    transaction.on_commit(publish)
    return change
