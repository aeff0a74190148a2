"""The account page's two forms: file an ARCO request, and close the account."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DETAIL_MAX, ArcoKind


class ArcoRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("The right you want to exercise"), choices=ArcoKind.choices)
    detail = forms.CharField(
        label=_("What you ask"),
        required=False,
        max_length=DETAIL_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Which data, and what you want us to do with them (for access, you may leave it empty)."),
    )


class AccountCloseForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    confirm = forms.BooleanField(label=_("I understand that closing my account cannot be undone."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
