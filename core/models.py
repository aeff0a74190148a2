from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk updates (and bulk deletes, unless the model allows them) of an append-only table."""

    def update(self, **kwargs):
        raise self.model.append_only_error()

    def delete(self):
        if not self.model.bulk_delete_allowed:
            raise self.model.append_only_error()
        return super().delete()


class AppendOnlyModel(models.Model):
    """A row written once and never changed: the history of orders, returns, shipments and prices,
    the stock ledger, consents. Saving an existing row, deleting one, or updating rows in bulk
    raises append_only_error(); a correction is a new row."""

    append_only_message = "This history is append-only."
    # Whether whole sets may still be deleted (a demo catalog reset clears its price history).
    bulk_delete_allowed = False

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def append_only_error(cls) -> Exception:
        return ValidationError(cls.append_only_message)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise self.append_only_error()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.append_only_error()


class StatusChange(AppendOnlyModel):
    """One row per status change of something, never edited: who, when, from what to what. The
    subclass adds the row it belongs to and its from_status/to_status with that row's choices."""

    append_only_message = "The status history is append-only."

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        abstract = True
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        # get_FOO_display exists on each concrete subclass (the stubs see only this abstract model).
        from_status = self.get_from_status_display()  # type: ignore[attr-defined]
        return f"{from_status or '—'} → {self.get_to_status_display()}"  # type: ignore[attr-defined]


class Counter(models.Model):
    """The last running number handed out in one scope and period: order numbers per day,
    return, store-credit and purchase-order numbers per year, receipt correlatives per series.
    Only core.counters.counter_next writes it."""

    scope = models.CharField(_("scope"), max_length=30)
    key = models.CharField(_("key"), max_length=20)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="core_counter_scope_key_unique")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}: {self.last}"


class Heartbeat(models.Model):
    """When a background part last showed it was alive: each worker ("worker:<name>", from its
    consumer while connected to the broker), the scheduler ("beat") and each sweep ("sweep:<job>",
    its last run). /healthz and `manage.py health` read them; only core.heartbeats writes them."""

    name = models.CharField(_("name"), max_length=200, primary_key=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
