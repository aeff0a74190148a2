"""Form fields of typed site settings (CONSTANCE_ADDITIONAL_FIELDS)."""

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _


def email_list(value: str) -> list[str]:
    """The addresses of a comma- or line-separated setting, in order, without repeats."""
    seen: dict[str, None] = {}
    for part in str(value or "").replace("\n", ",").replace(";", ",").split(","):
        address = part.strip().lower()
        if address:
            seen.setdefault(address, None)
    return list(seen)


class EmailListField(forms.CharField):
    """Comma-separated e-mail addresses; every one must be valid, stored normalised."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2, "cols": 60}))
        super().__init__(**kwargs)

    def clean(self, value):
        addresses = email_list(super().clean(value))
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(address)s” is not a valid e-mail address."), code="invalid", params={"address": address}
                ) from None
        return ", ".join(addresses)
