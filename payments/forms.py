"""The shopper's forms of the pay page (Culqi): what the browser sends is checked here, the amount
never comes from it."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

CULQI_CARD_TOKEN = re.compile(r"^tkn_(test|live)_[A-Za-z0-9]{6,40}$")


# Culqi3DS's device id (Culqi3DS.generateDevice(): a UUID v4), for Culqi's fraud check.
DEVICE_ID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# 3-D Secure values as the card schemes define them: ECI two digits, CAVV and XID base64 (28 or 32
# characters) or hex (40 or 48), the protocol version dotted digits, the directory server's
# transaction id a UUID. Anything else is not forwarded to Culqi.
THREE_DS_ECI = re.compile(r"^\d{2}$")
THREE_DS_VALUE = re.compile(r"^[A-Za-z0-9+/=]{1,64}$")
THREE_DS_VERSION = re.compile(r"^\d{1,2}(\.\d{1,2}){1,2}$")


class CulqiCardForm(forms.Form):
    """The token Culqi.js made of the card; the cuotas once the card's options were shown."""

    token = forms.RegexField(regex=CULQI_CARD_TOKEN, max_length=60)
    installments = forms.IntegerField(min_value=1, max_value=48, required=False)
    device_id = forms.RegexField(regex=DEVICE_ID, max_length=36, required=False)


class Culqi3DSForm(forms.Form):
    """What Culqi3DS hands the page once the bank authenticated the shopper (its parameters3DS).
    Which card, cuotas and amount are charged is never read from here: the attempt keeps them."""

    eci = forms.RegexField(regex=THREE_DS_ECI, max_length=2)
    cavv = forms.RegexField(regex=THREE_DS_VALUE, max_length=64, required=False)
    xid = forms.RegexField(regex=THREE_DS_VALUE, max_length=64, required=False)
    protocolVersion = forms.RegexField(regex=THREE_DS_VERSION, max_length=8)  # Culqi's own name
    directoryServerTransactionId = forms.RegexField(  # Culqi's own name
        regex=DEVICE_ID, max_length=36, required=False
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        # 3-D Secure 1 identifies the authentication by its xid, version 2 by the directory server's id.
        if not self.errors and not (cleaned.get("xid") or cleaned.get("directoryServerTransactionId")):
            raise forms.ValidationError(_("Your bank's verification did not finish. Try again."))
        return cleaned


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
