from datetime import timedelta
from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DayField
from orders.models import OrderChannel

if TYPE_CHECKING:
    from accounts.models import Seller

MAX_DAYS = 366 * 3  # a download covers at most three years: one query per month
DEFAULT_DAYS = 30


def default_period() -> tuple:
    """The last 30 Lima days, today included: what a report covers unless told otherwise."""
    today = timezone.localdate()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


class SalesReportForm(forms.Form):
    by = forms.ChoiceField(
        label=_("Group by"),
        choices=[
            ("day", _("Day")),
            ("region", _("Region (department)")),
            ("seller", _("Seller")),
            ("category", _("Category")),
            ("channel", _("Channel")),
        ],
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Every channel")), *OrderChannel.choices]
    )
    date_from = DayField(label=_("From"))
    date_to = DayField(label=_("To"))
    format = forms.ChoiceField(
        label=_("Format"), initial="html", choices=[("html", _("Show here")), ("csv", "CSV"), ("json", "JSON")]
    )

    @classmethod
    def initial_values(cls) -> dict:
        since, until = default_period()
        return {"by": "day", "date_from": since, "date_to": until, "format": "html"}

    def clean(self):
        data = super().clean()
        since, until = data.get("date_from"), data.get("date_to")
        if since and until:
            if since > until:
                raise forms.ValidationError(_("The first day must not be after the last one."), code="order")
            if (until - since).days > MAX_DAYS:
                raise forms.ValidationError(_("Choose at most three years."), code="too_long")
        return data


class PayoutsForm(forms.Form):
    """The payouts page: a period, optionally one seller (staff only), shown or downloaded."""

    date_from = DayField(label=_("From"))
    date_to = DayField(label=_("To"))
    seller: "forms.ModelChoiceField[Seller]" = forms.ModelChoiceField(
        label=_("Seller"), queryset=None, required=False, empty_label=_("Every seller"), to_field_name="slug"
    )
    format = forms.ChoiceField(
        label=_("Format"), initial="html", choices=[("html", _("Show here")), ("csv", "CSV"), ("json", "JSON")]
    )

    def __init__(self, *args, scope=None, **kwargs):
        from accounts.models import Seller

        super().__init__(*args, **kwargs)
        if scope is None:
            self.fields["seller"].queryset = Seller.objects.order_by("store_name")
        else:  # a seller sees only their own payouts: no choice to tamper with
            del self.fields["seller"]

    @classmethod
    def initial_values(cls) -> dict:
        since, until = default_period()
        return {"date_from": since, "date_to": until, "format": "html"}

    def clean(self):
        data = super().clean()
        since, until = data.get("date_from"), data.get("date_to")
        if since and until and since > until:
            raise forms.ValidationError(_("The first day must not be after the last one."), code="order")
        return data
