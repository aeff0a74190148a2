"""The shopper's forms of the pay page (Culqi): what the browser sends is checked here, the amount
never comes from it."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

CULQI_CARD_TOKEN = re.compile(r"^tkn_(test|live)_[A-Za-z0-9]{6,40}$")


class CulqiCardForm(forms.Form):
    """The token Culqi.js made of the card; the cuotas once the card's options were shown."""

    token = forms.RegexField(regex=CULQI_CARD_TOKEN, max_length=60)
    installments = forms.IntegerField(min_value=1, max_value=48, required=False)


class CulqiYapeForm(forms.Form):
    """Yape: the phone number of the Yape account and the approval code its app shows."""

    phone = forms.RegexField(
        regex=r"^9\d{8}$",
        max_length=9,
        error_messages={"invalid": _("Enter the 9-digit mobile number of your Yape account.")},
    )
    otp = forms.RegexField(
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": _("Enter the 6-digit approval code your Yape app shows.")},
    )

    def clean_phone(self) -> str:
        return str(self.cleaned_data["phone"]).strip()
