"""The test gateway's forms: Yape's phone and approval code, and the demo agent's CIP and amount."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .waiting import CIP_DIGITS


class YapeForm(forms.Form):
    phone = forms.RegexField(
        label=_("Yape mobile number"),
        regex=r"^9\d{8}$",
        max_length=9,
        error_messages={"invalid": _("Enter the nine-digit mobile number your Yape uses (it starts with 9).")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "tel-national", "placeholder": "987654321"}
        ),
    )
    approval_code = forms.RegexField(
        label=_("Approval code"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": _("Enter the six-digit approval code Yape shows you.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "placeholder": "123456"}
        ),
    )

    def clean_phone(self) -> str:
        return str(self.cleaned_data["phone"])


class AgentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("CIP code"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "1234 5678"}),
    )

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())  # read aloud in groups: "1234 5678"
        if not (code.isascii() and code.isdigit() and len(code) == CIP_DIGITS):
            raise forms.ValidationError(_("A CIP is %(digits)d digits.") % {"digits": CIP_DIGITS})
        return code


class AgentPayForm(AgentCodeForm):
    amount = forms.DecimalField(max_digits=10, decimal_places=2, min_value=0, widget=forms.HiddenInput)
