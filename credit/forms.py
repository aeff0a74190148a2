from django import forms
from django.utils.translation import gettext_lazy as _


class GiftCardBalanceForm(forms.Form):
    code = forms.CharField(
        label=_("Gift card code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "placeholder": "XXXX-XXXX-XXXX-XXXX",
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
            }
        ),
    )


class GiftCardStaffForm(forms.Form):
    """Staff: why a card is voided (the admin's void page)."""

    reason = forms.CharField(label=_("Reason"), max_length=255, widget=forms.TextInput(attrs={"size": 60}))


class GiftCardIssueForm(forms.Form):
    """Staff: a card issued by hand (the checks are credit's gift_card_issue)."""

    amount = forms.CharField(label=_("Amount"), max_length=8, help_text=_("Whole soles, from 50 to 1,000."))
    recipient_name = forms.CharField(label=_("Recipient's name"), max_length=100)
    recipient_email = forms.CharField(label=_("Recipient's e-mail"), max_length=254)
    sender_name = forms.CharField(label=_("Sender's name"), max_length=100)
    message = forms.CharField(
        label=_("Message"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )
    deliver_on = forms.DateField(
        label=_("Delivery date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: today."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=255, help_text=_("Why the card is issued (kept in its history).")
    )
