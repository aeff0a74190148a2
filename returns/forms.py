"""The customer's return form: one row (quantity, reason, condition, details) per returnable line."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.form_keys import FormKeyField

from .models import DeclaredCondition, Resolution, ReturnReason
from .services import ReturnLineData

RESOLUTIONS = [
    (Resolution.REFUND, _("A refund to my original payment")),
    (Resolution.CREDIT, _("Store credit (vale de compra) to spend in the store")),
]


class ReturnRequestForm(forms.Form):
    key = FormKeyField()

    resolution = forms.ChoiceField(
        label=_("What would you like back?"),
        widget=forms.RadioSelect,
        initial=Resolution.REFUND,
        required=False,
        choices=RESOLUTIONS,
        help_text=_("We confirm it once the products reach our warehouse."),
    )

    def __init__(self, *args, order_lines, returnable: dict[int, int], credit_allowed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not credit_allowed:  # store credit belongs to an account: guests get their money back
            cast(forms.ChoiceField, self.fields["resolution"]).choices = RESOLUTIONS[:1]
        self.rows = []
        for line in order_lines:
            room = returnable.get(line.pk, 0)
            if room <= 0:
                continue
            prefix = f"line_{line.pk}"
            self.fields[f"{prefix}_quantity"] = forms.TypedChoiceField(
                label=_("Units to return"),
                coerce=int,
                initial=0,
                required=False,
                empty_value=0,  # type: ignore[arg-type]  # any value will do; the stubs say str
                choices=[(n, str(n)) for n in range(room + 1)],
            )
            self.fields[f"{prefix}_reason"] = forms.ChoiceField(
                label=_("Reason"), required=False, choices=[("", _("Choose a reason")), *ReturnReason.choices]
            )
            self.fields[f"{prefix}_condition"] = forms.ChoiceField(
                label=_("Condition"), required=False, choices=[("", _("Choose")), *DeclaredCondition.choices]
            )
            self.fields[f"{prefix}_detail"] = forms.CharField(
                label=_("Tell us more"),
                required=False,
                max_length=255,
                widget=forms.TextInput(attrs={"placeholder": _("Optional")}),
            )
            self.rows.append(
                (line, room, [self[f"{prefix}_{name}"] for name in ("quantity", "reason", "condition", "detail")])
            )

    def units_asked(self, data) -> dict[int, int]:
        """{order line id: units} the posted quantities ask for, each within what can be returned
        (unreadable ones are 0): the quote's input, before the rest of the form is filled in."""
        units = {}
        for line, room, _fields in self.rows:
            try:
                quantity = int(data.get(f"line_{line.pk}_quantity") or 0)
            except (TypeError, ValueError):
                quantity = 0
            if 0 < quantity <= room:
                units[line.pk] = quantity
        return units

    def clean_resolution(self):
        return self.cleaned_data.get("resolution") or Resolution.REFUND  # the radio preselects it

    def clean(self):
        cleaned = super().clean()
        chosen = []
        for line, _room, _fields in self.rows:
            prefix = f"line_{line.pk}"
            quantity = cleaned.get(f"{prefix}_quantity") or 0
            if not quantity:
                continue
            reason, condition = cleaned.get(f"{prefix}_reason"), cleaned.get(f"{prefix}_condition")
            if not reason:
                self.add_error(f"{prefix}_reason", _("Choose a reason."))
            if not condition:
                self.add_error(f"{prefix}_condition", _("Choose the condition of the product."))
            chosen.append(
                ReturnLineData(
                    order_line_id=line.pk,
                    quantity=quantity,
                    reason=reason or "",
                    declared_condition=condition or "",
                    reason_detail=cleaned.get(f"{prefix}_detail") or "",
                )
            )
        if not chosen and not self.errors:
            raise forms.ValidationError(_("Choose at least one product to return."))
        self.chosen = chosen
        return cleaned
