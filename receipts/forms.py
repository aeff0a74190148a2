"""Staff's forms for receipts (the admin): a nota de débito's amount and reason."""

import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DebitReason


class DebitNoteForm(forms.Form):
    # One note per form shown: a double submit (a replay) gets the note the first one issued.
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    amount = forms.DecimalField(
        label=_("Amount (with IGV)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=_("In soles, IGV included: what the customer is charged after the sale."),
    )
    reason_code = forms.ChoiceField(label=_("SUNAT reason"), choices=DebitReason.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=250,
        min_length=3,
        help_text=_("Printed on the note, e.g. 'Shipping to the province charged after the sale'."),
    )
