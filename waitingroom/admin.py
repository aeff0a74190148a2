from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import RoomChange
from .room import current_settings, forget_settings, room, safely
from .services import room_set

LIMA = ZoneInfo("America/Lima")


class RoomChangeForm(forms.ModelForm):
    class Meta:
        model = RoomChange
        fields = ["drop_open", "opens_at", "rate", "threshold", "max_active", "admission_minutes"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("opens_at") and not cleaned.get("drop_open"):
            self.add_error("opens_at", _("An opening time needs the drop open: tick “drop open” or leave it empty."))
        return cleaned


@admin.register(RoomChange)
class RoomChangeAdmin(admin.ModelAdmin):
    """The room's live state at the top of the list (from Redis, as the shoppers' requests see it);
    "add" sets it; every change stays as a row nobody edits."""

    form = RoomChangeForm
    list_display = [
        "created_at",
        "created_by",
        "drop_open",
        "opens_at",
        "rate",
        "threshold",
        "max_active",
        "admission_minutes",
    ]
    list_display_links = ["created_at"]
    readonly_fields = ["created_at", "created_by", "new_queue"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        fields = ["drop_open", "opens_at", "rate", "threshold", "max_active", "admission_minutes"]
        return fields if obj is None else ["created_at", "created_by", *fields, "new_queue"]

    def get_changeform_initial_data(self, request):
        """The form starts from what the room is set to now."""
        latest = RoomChange.objects.first()
        if latest is None:
            return {}
        return {
            "drop_open": latest.drop_open,
            "opens_at": latest.opens_at,
            "rate": latest.rate,
            "threshold": latest.threshold,
            "max_active": latest.max_active,
            "admission_minutes": latest.admission_minutes,
        }

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        created = room_set(
            drop_open=data["drop_open"],
            opens_at=data.get("opens_at"),
            rate=data["rate"],
            threshold=data["threshold"],
            max_active=data["max_active"],
            admission_minutes=data["admission_minutes"],
            actor_id=request.user.pk,
        )
        obj.pk = created.pk
        obj._state.adding = False

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, extra_context={**(extra_context or {}), "room": live_state()})


def live_state() -> dict:
    """The figures staff see: whether the room is letting shoppers queue, the line, the rate."""
    forget_settings()
    settings = current_settings()
    queue = safely(lambda: room().queue_state(), None)
    if queue is None:
        return {"unavailable": True}
    overloaded = queue.now < queue.overload_until
    capped = bool(settings.max_active) and (queue.waiting > 0 or queue.inside >= settings.max_active)
    opens_at = (
        datetime.fromtimestamp(settings.opens_at, tz=UTC).astimezone(LIMA)
        if settings.drop_open and settings.opens_at
        else None
    )
    return {
        "unavailable": False,
        "active": settings.drop_open or overloaded or capped,
        "drop_open": settings.drop_open,
        "opens_at": opens_at,
        "overloaded": overloaded,
        "capped": capped,
        "waiting": queue.waiting if settings.drop_open or overloaded or capped else 0,
        "issued": queue.issued,
        "admitted": queue.admitted,
        "rate": settings.rate,
        "threshold": settings.threshold,
        "in_flight": queue.in_flight,
        "max_active": settings.max_active,
        "inside": queue.inside,
        "admission_minutes": settings.admission_seconds // 60,
    }
