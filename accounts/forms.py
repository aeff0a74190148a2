from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Address, Seller, User, phone_validator
from .validators import normalize_identity, validate_dni, validate_ruc


def _clean_dni(value: str, *, exclude_user: User | None = None) -> str:
    dni = normalize_identity(value)
    if not dni:
        return ""
    validate_dni(dni)
    taken = User.objects.filter(dni=dni)
    if exclude_user is not None:
        taken = taken.exclude(pk=exclude_user.pk)
    if taken.exists():
        raise forms.ValidationError(_("This DNI is already registered to another account."), code="dni_taken")
    return dni


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (allauth adds e-mail and passwords)."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, validators=[phone_validator])
    dni = forms.CharField(
        label=_("DNI"), max_length=12, required=False, help_text=_("8 digits, for your receipts.")
    )

    def clean_dni(self) -> str:
        return _clean_dni(self.cleaned_data.get("dni", ""))

    def signup(self, request, user: User) -> None:
        user.first_name = self.cleaned_data["first_name"].strip()
        user.last_name = self.cleaned_data["last_name"].strip()
        user.phone = self.cleaned_data.get("phone", "").strip()
        user.dni = self.cleaned_data.get("dni", "")
        user.save(update_fields=["first_name", "last_name", "phone", "dni"])


class ProfileForm(forms.ModelForm):
    dni = forms.CharField(label=_("DNI"), max_length=12, required=False, help_text=_("8 digits, as on the ID card."))

    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "dni"]

    def clean_dni(self) -> str:
        return _clean_dni(self.cleaned_data.get("dni", ""), exclude_user=self.instance)


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = [
            "label",
            "recipient",
            "phone",
            "street",
            "reference",
            "department",
            "province",
            "district",
            "postal_code",
            "is_default_shipping",
            "is_default_billing",
        ]
        widgets = {"street": forms.TextInput(attrs={"autocomplete": "address-line1"})}


class SellerApplicationForm(forms.Form):
    store_name = forms.CharField(label=_("Store name"), max_length=120)
    ruc = forms.CharField(label=_("RUC"), max_length=14, help_text=_("11 digits, as registered with SUNAT."))

    def clean_ruc(self) -> str:
        ruc = normalize_identity(self.cleaned_data["ruc"])
        validate_ruc(ruc)
        if Seller.objects.filter(ruc=ruc).exists():
            raise forms.ValidationError(_("A seller with this RUC already exists."), code="ruc_taken")
        return ruc
