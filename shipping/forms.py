"""Operator forms of the shipments admin: shipping legs (carrier and tracking numbers) and
splitting a leg. Every value is checked again by shipping.services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import carriers
from .models import Carrier

KEEP = ""
CARRIER_CHOICES = [(KEEP, _("Each shipment's carrier (from its shipping method)"))] + [
    (value, label) for value, label in Carrier.choices if value != Carrier.PICKUP
]


class ShipForm(forms.Form):
    """One carrier for the selection (or each leg's own), and a tracking number and optional
    label URL per selected leg."""

    carrier = forms.ChoiceField(label=_("Carrier"), choices=CARRIER_CHOICES, required=False)

    def __init__(self, *args, shipments, **kwargs):
        super().__init__(*args, **kwargs)
        self.shipments = list(shipments)
        for shipment in self.shipments:
            self.fields[f"tracking_{shipment.pk}"] = forms.CharField(
                label=_("Tracking number of %(shipment)s") % {"shipment": shipment.reference},
                max_length=40,
                required=False,
                initial=shipment.tracking_number,
            )
            self.fields[f"label_{shipment.pk}"] = forms.URLField(
                label=_("Label URL of %(shipment)s") % {"shipment": shipment.reference},
                max_length=300,
                required=False,
                assume_scheme="https",
            )

    def rows(self):
        return [(s, self[f"tracking_{s.pk}"], self[f"label_{s.pk}"]) for s in self.shipments]

    def clean(self):
        data = super().clean()
        for shipment in self.shipments:
            carrier = data.get("carrier") or shipment.carrier
            field = f"tracking_{shipment.pk}"
            if field in self.errors:
                continue
            try:
                data[field] = carriers.clean_tracking_number(carrier, data.get(field, ""))
            except ValidationError as error:
                self.add_error(field, error)
        return data

    def values_for(self, shipment) -> dict:
        data = self.cleaned_data
        return {
            "carrier": data.get("carrier") or shipment.carrier,
            "tracking_number": data.get(f"tracking_{shipment.pk}", ""),
            "label_url": data.get(f"label_{shipment.pk}", ""),
        }


class SplitForm(forms.Form):
    """How many units of each line leave this leg for a new one, shipped later."""

    def __init__(self, *args, shipment, **kwargs):
        super().__init__(*args, **kwargs)
        self.shipment = shipment
        for line in shipment.lines.select_related("order_line"):
            self.fields[f"line_{line.order_line_id}"] = forms.IntegerField(
                label=f"{line.order_line.sku} · {line.order_line.product_name}",
                min_value=0,
                max_value=line.quantity,
                initial=0,
                required=False,
                help_text=_("of %(count)d in this shipment") % {"count": line.quantity},
            )

    def quantities(self) -> dict[int, int]:
        return {
            int(name.removeprefix("line_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("line_") and value
        }
