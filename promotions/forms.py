from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CODE_MAX_LENGTH, Coupon, is_well_formed_code, normalize_code


class CouponGenerateForm(forms.Form):
    """N unique codes with a coupon's settings and scope (the template), for a campaign."""

    template = forms.ModelChoiceField(
        Coupon.objects.order_by("code"),
        label=_("Settings and scope of"),
        help_text=_("Each new code gets this coupon's kind, value, limits, validity and scope."),
    )
    count = forms.IntegerField(label=_("How many codes"), min_value=1, max_value=10000, initial=100)
    prefix = forms.CharField(  # type: ignore[assignment]  # a field: the form class keeps BaseForm.prefix
        label=_("Prefix"),
        max_length=20,
        required=False,
        help_text=_("Letters and digits, e.g. VERANO: codes look like VERANO-7KQ2M9XP."),
    )

    def clean_prefix(self) -> str:
        prefix = normalize_code(self.cleaned_data["prefix"]).strip("-")
        if prefix and (not is_well_formed_code(prefix.ljust(3, "X")) or len(prefix) + 9 > CODE_MAX_LENGTH):
            raise forms.ValidationError(_("Use up to 20 letters, digits or hyphens."))
        return prefix
