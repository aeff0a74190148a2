"""Operator forms of the admin actions; each feeds one inventory service."""

from django import forms
from django.core.validators import MinValueValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .exceptions import InventoryError
from .models import PurchaseOrder, Warehouse
from .services import purchase_order_lines_check


class AdjustForm(forms.Form):
    quantity = forms.IntegerField(label=_("quantity"), help_text=_("Signed: +3 found, −2 missing."))
    reason = forms.CharField(label=_("reason"), max_length=255)

    def clean_quantity(self):
        if self.cleaned_data["quantity"] == 0:
            raise forms.ValidationError(_("The quantity cannot be zero."))
        return self.cleaned_data["quantity"]


class ReceiveUnitsForm(forms.Form):
    """Goods that arrive without a purchase order (a seller's own deliveries to their warehouse)."""

    quantity = forms.IntegerField(label=_("quantity"), min_value=1)
    reason = forms.CharField(label=_("reason"), max_length=255, required=False)


class WriteOffForm(forms.Form):
    quantity = forms.IntegerField(label=_("quantity"), min_value=1)
    reason = forms.CharField(label=_("reason"), max_length=255)


class TransferForm(forms.Form):
    destination = forms.ModelChoiceField(
        label=_("destination warehouse"), queryset=Warehouse.objects.filter(is_active=True)
    )
    quantity = forms.IntegerField(label=_("quantity"), min_value=1)
    reason = forms.CharField(label=_("reason"), max_length=255, required=False)


class ReceiveForm(forms.Form):
    """One field per line of the purchase order, prefilled with what is still outstanding."""

    allow_over_receipt = forms.BooleanField(label=_("allow receiving more than ordered"), required=False)

    def __init__(self, *args, purchase_order: PurchaseOrder, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(purchase_order.lines.select_related("variant").order_by("pk"))
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=f"{line.variant.sku} ({line.quantity_received}/{line.quantity_ordered})",
                min_value=0,
                initial=line.outstanding,
            )

    def quantities(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data[f"line_{line.pk}"] for line in self.lines}


class StockLevelOpenForm(forms.ModelForm):
    """A variant's first stock level in a warehouse, with the units that arrive with it (a receipt
    movement; on hand itself is never typed in)."""

    received = forms.IntegerField(
        label=capfirst(_("units received")),
        min_value=0,
        initial=0,
        required=False,
        help_text=_("Recorded as a receipt in the stock ledger."),
    )

    def clean_received(self):
        return self.cleaned_data.get("received") or 0


class PurchaseOrderLineFormSet(forms.BaseInlineFormSet):
    """A purchase order's lines in the admin, checked by the services' own rule before anything
    is saved, so a refusal shows on the form and nothing is half-written. `editable` is False
    where the lines are only shown (an order past its draft): then they are neither checked nor
    passed on."""

    editable = True

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # The table's own checks would refuse these by constraint name; the fields say it in words.
        for name, least in (("quantity_ordered", 1), ("unit_cost", 0)):
            if name in form.fields:
                field = form.fields[name]
                field.min_value, field.widget.attrs["min"] = least, least
                field.validators = [v for v in field.validators if not isinstance(v, MinValueValidator)]
                field.validators.append(MinValueValidator(least))

    def lines(self) -> list[tuple]:
        """(variant, quantity, unit cost) of every line kept, as the purchase order services take them."""
        return [
            (form.cleaned_data["variant"], form.cleaned_data["quantity_ordered"], form.cleaned_data["unit_cost"])
            for form in self.forms
            # Django's own test for a line marked for deletion, which the stubs leave out.
            if form.cleaned_data and not self._should_delete_form(form)  # type: ignore[attr-defined]
        ]

    def clean(self):
        # Not super().clean(): its duplicate check is the services' "each variant once", which
        # purchase_order_lines_check states in words staff read.
        if not self.editable or any(self.errors):
            return
        try:
            purchase_order_lines_check(lines=self.lines())
        except InventoryError as error:
            raise forms.ValidationError(str(error)) from None
