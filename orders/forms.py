import re

from django import forms
from django.utils.translation import gettext_lazy as _

NUMBER_RE = re.compile(r"^PED-\d{8}-\d{4,}$")


class OrderLookupForm(forms.Form):
    number = forms.CharField(
        label=_("Order number"),
        max_length=24,
        help_text=_("It is in your confirmation e-mail, for example PED-20260315-0042."),
        widget=forms.TextInput(
            attrs={"placeholder": "PED-20260315-0042", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("The address you used to place the order."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_number(self) -> str:
        number = re.sub(r"\s+", "", self.cleaned_data["number"]).upper()
        if not NUMBER_RE.match(number):
            raise forms.ValidationError(_("Enter the order number as it appears in your e-mail: PED-YYYYMMDD-NNNN."))
        return number


class OrderCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you cancelling?"),
        max_length=255,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OrderNoteForm(forms.ModelForm):
    """The admin order page's "add a note" form: only adds (orders.services.order_note_add writes it)."""

    class Meta:
        from .models import OrderNote

        model = OrderNote
        fields = ["text", "visible_to_customer"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "cols": 80})}
