from typing import TYPE_CHECKING

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from legal.forms import add_consent_fields

from . import ubigeo
from .fields import DniFormField, RucFormField
from .models import Address, Seller, User, phone_validator

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _clean_dni(dni: str, *, exclude_user: User | None = None) -> str:
    """The DNI (already normalised by its field) unless another account has it."""
    if not dni:
        return ""
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
    dni = DniFormField(required=False, help_text=_("8 digits, for your receipts."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_consent_fields(self)  # terms and privacy (required), marketing (optional)

    def signup(self, request, user: User) -> None:
        """allauth's hook after its own sign-up save, which the shop's sign-up never runs (the
        account is made by accounts.services.user_signup_complete, after the answer); allauth
        refuses a sign-up form class without it."""


class ProfileForm(forms.ModelForm):
    dni = DniFormField(required=False, help_text=_("8 digits, as on the ID card."))

    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "dni"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.dni_pending and not self.is_bound:
            self.initial["dni"] = self.instance.dni_pending
        if not self.instance.email_verified:
            self.fields["dni"].help_text = _(
                "8 digits, as on the ID card. It is added to your account once you confirm your e-mail."
            )

    def clean_dni(self) -> str:
        dni = self.cleaned_data.get("dni", "")
        if not self.instance.email_verified:
            return dni  # waits unchecked for the e-mail's confirmation, like a sign-up's
        return _clean_dni(dni, exclude_user=self.instance)

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        if not self.instance.email_verified:
            exclusions.add("dni")  # the model's unique check would answer for an unconfirmed account too
        return exclusions


def province_choices(department_code: str) -> "list[tuple[str, StrOrPromise]]":
    """The options of the province select: a prompt, then the department's provinces."""
    places = ubigeo.provinces(department_code)
    prompt = _("Choose a province") if places else _("Choose the department first")
    return [("", prompt), *((place.code, place.name) for place in places)]


def district_choices(province_code: str) -> "list[tuple[str, StrOrPromise]]":
    places = ubigeo.districts(province_code)
    prompt = _("Choose a district") if places else _("Choose the province first")
    return [("", prompt), *((place.code, place.name) for place in places)]


class PlacesSelect(forms.Select):
    """A select of ubigeo places, its HTML kept per process by everything it shows: the places are fixed
    (the 25 departments, a department's provinces, a province's districts), and Django renders each
    option through the template engine (the departments' select cost 2.5 ms, twice on the checkout's
    first step)."""

    _rendered: dict[tuple, str] = {}
    KEPT = 2_000  # selects; all are dropped beyond that (a district list for each province is ~200)

    def render(self, name, value, attrs=None, renderer=None):
        shown = (
            name,
            None if value is None else str(value),
            tuple((key, str(item)) for key, item in sorted({**self.attrs, **(attrs or {})}.items())),
            tuple((str(code), str(label)) for code, label in self.choices),
            get_language(),
            id(renderer),
        )
        html = self._rendered.get(shown)
        if html is None:
            if len(self._rendered) >= self.KEPT:
                self._rendered.clear()
            html = self._rendered[shown] = super().render(name, value, attrs, renderer)
        return html


class AddressForm(forms.ModelForm):
    """An address with dependent selects: department -> province -> district.

    The province and district selects post INEI codes ("1501", "150122"); clean() checks that
    each belongs to its parent and hands the model the official names, from which the model
    derives `ubigeo`. With htmx the options follow the department and province as they change
    (accounts:ubigeo_provinces / accounts:ubigeo_districts); without JavaScript the page's
    "Update the lists" button posts the form back and it comes again with the new options.
    """

    province = forms.CharField(
        label=_("Province"),
        widget=PlacesSelect(
            attrs={
                "autocomplete": "address-level2",
                "hx-get": reverse_lazy("accounts:ubigeo_districts"),
                "hx-target": "#id_district",
                # After new provinces arrive (department changed), the districts reset too.
                "hx-trigger": "change, htmx:afterSwap",
                "hx-sync": "this:replace",
            }
        ),
    )
    district = forms.CharField(label=_("District"), widget=PlacesSelect(attrs={"autocomplete": "address-level3"}))

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
        widgets = {
            "street": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "department": PlacesSelect(
                attrs={
                    "autocomplete": "address-level1",
                    "hx-get": reverse_lazy("accounts:ubigeo_provinces"),
                    "hx-target": "#id_province",
                    "hx-trigger": "change",
                    "hx-sync": "this:replace",
                }
            ),
        }

    def __init__(self, *args, **kwargs):
        given_initial = kwargs.get("initial") or {}
        super().__init__(*args, **kwargs)
        instance = self.instance
        matched = None
        if instance.pk:
            matched = ubigeo.district(instance.ubigeo) or ubigeo.resolve(
                instance.department, instance.province, instance.district
            )
        # A saved row whose names match no district (typed before the ubigeo) must be corrected.
        self.needs_ubigeo = bool(instance.pk and matched is None)
        if instance.pk and not self.is_bound and "province" not in given_initial:
            # The selects show a saved address's codes; an unmatched row starts blank.
            self.initial["province"] = matched.code[:4] if matched else ""
            self.initial["district"] = matched.code if matched else ""
        if self.prefix:
            # The dependent selects update their neighbours by id, which the prefix changes.
            self.fields["department"].widget.attrs["hx-target"] = "#" + self["province"].auto_id
            self.fields["province"].widget.attrs["hx-target"] = "#" + self["district"].auto_id
        self.fields["department"].choices = [("", _("Choose a department"))] + [
            (place.code, place.name) for place in ubigeo.departments()
        ]
        self.fields["province"].widget.choices = province_choices(self._current("department"))
        self.fields["district"].widget.choices = district_choices(self._current("province"))

    def _current(self, name: str) -> str:
        """The value a select shows: posted, else initial, else the saved row's."""
        if self.is_bound:
            return self.data.get(self.add_prefix(name), "")
        return str(self.get_initial_for_field(self.fields[name], name) or "")

    def clean(self):
        cleaned = super().clean()
        department_code = cleaned.get("department")
        province_code, district_code = cleaned.get("province"), cleaned.get("district")
        if not department_code or not province_code:
            return cleaned
        if not ubigeo.is_province_of(province_code, department_code):
            message = _("Choose a province of %(department)s from the list.")
            params = {"department": ubigeo.department(department_code).name}
            self.add_error("province", forms.ValidationError(message, "province_not_in_department", params))
            return cleaned
        # The model stores names (display, order snapshots) and derives the code from them.
        province = ubigeo.province(province_code)
        cleaned["province"] = province.name
        if not district_code:
            return cleaned
        if not ubigeo.is_district_of(district_code, province_code):
            message = _("Choose a district of the province of %(province)s from the list.")
            params = {"province": province.name}
            self.add_error("district", forms.ValidationError(message, "district_not_in_province", params))
            return cleaned
        cleaned["district"] = ubigeo.district(district_code).name
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        # Address.clean() may repeat what clean() already said about the same field.
        for name in ("province", "district"):
            errors = self._errors.get(name)
            if errors:
                unique = {}  # {messages: the first error saying them}
                for error in errors.as_data():
                    unique.setdefault(tuple(error.messages), error)
                errors.data[:] = unique.values()


class SellerApplicationForm(forms.Form):
    store_name = forms.CharField(label=_("Store name"), max_length=120)
    ruc = RucFormField(help_text=_("11 digits, as registered with SUNAT."))

    def clean_ruc(self) -> str:
        ruc = self.cleaned_data["ruc"]
        if Seller.objects.filter(ruc=ruc).exists():
            raise forms.ValidationError(_("A seller with this RUC already exists."), code="ruc_taken")
        return ruc
