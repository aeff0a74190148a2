from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnlyModel


class RoomChange(AppendOnlyModel):
    """What staff set the waiting room to, one row per change (who, when, what): the audit trail.
    The live state is in Redis (waitingroom.room), which the shopper's path reads; the newest row
    is what it was last set to."""

    append_only_message = "The waiting room's changes are append-only."

    created_at = models.DateTimeField(_("set at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )
    drop_open = models.BooleanField(
        _("drop open"),
        default=False,
        help_text=_("Every new shopper queues, from now on; they are let in from the opening time on."),
    )
    opens_at = models.DateTimeField(
        _("drop opens at"),
        null=True,
        blank=True,
        help_text=_("Shoppers who arrive before it wait in line and are let in from this time on (Lima time)."),
    )
    rate = models.DecimalField(
        _("shoppers let in per second"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("5"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1000"))],
        help_text=_("How many shoppers the store can serve: the line moves at this rate."),
    )
    threshold = models.PositiveIntegerField(
        _("requests in flight that open the room"),
        default=0,
        validators=[MaxValueValidator(100_000)],
        help_text=_(
            "Above this many requests at once over every web node, new shoppers queue until the load falls, "
            "and a line moves only while the load is under it; 0: the load is not watched."
        ),
    )
    max_active = models.PositiveIntegerField(
        _("shoppers inside at once"),
        default=0,
        db_default=0,  # the release still serving writes rows without it
        validators=[MaxValueValidator(1_000_000)],
        help_text=_(
            "At most this many shoppers use the store at once (seen in the last minute); the next ones wait in line "
            "and are let in, in their order, as others leave. 0: no cap."
        ),
    )
    admission_minutes = models.PositiveIntegerField(
        _("minutes an admission lasts"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text=_("A shopper let in stays in while they keep using the store; this long idle, they queue again."),
    )
    new_queue = models.BooleanField(
        _("new line"),
        default=False,
        help_text=_("Set when this change opened a drop: earlier tickets and admissions no longer count."),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("waiting room setting")
        verbose_name_plural = _("waiting room settings")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}" if self.created_at else str(_("waiting room setting"))
