from django.db import models
from django.utils.translation import gettext_lazy as _


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
