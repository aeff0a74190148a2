from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import ubigeo
from accounts.forms import AddressForm
from accounts.fields import IdentityFormField
from legal.forms import add_consent_fields
from accounts.validators import (
    LEGAL_NAME_MAX_LENGTH, normalize_legal_name, validate_dni, validate_legal_name, validate_ruc,
)
from orders.services import ANONYMOUS_RECEIPT_LIMIT, anonymous_receipt_refusal

# The fields of an address a delivery needs (no label or default flags).
ADDRESS_FIELDS = ["recipient", "phone", "street", "reference", "department", "province", "district", "postal_code"]


class CheckoutAddressForm(AddressForm):
    class Meta(AddressForm.Meta):
        fields = ADDRESS_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = True

    def snapshot(self) -> dict:
        """What the order keeps: the names, the department's name and the district's ubigeo code."""
        data = {name: self.cleaned_data.get(name, "") or "" for name in ADDRESS_FIELDS}
        district = ubigeo.resolve(data["department"], data["province"], data["district"])
        data["ubigeo"] = district.code if district else ""
        department = ubigeo.department(data["department"])
        data["department_name"] = department.name if department else ""
        return data


class ContactForm(forms.Form):
    RECEIPTS = [("", _("Receipt without a document")), ("dni", _("Receipt (boleta) with my DNI")),
                ("ruc", _("Invoice (factura) with a RUC"))]

    email = forms.EmailField(label=_("E-mail"), max_length=254,
                             help_text=_("We send the order confirmation and updates here."))
    document_type = forms.ChoiceField(label=_("Receipt"), choices=RECEIPTS, required=False)
    document = IdentityFormField(label=_("DNI or RUC"), max_length=11, required=False)
    # Required with a RUC, judged in clean() (validate_legal_name) and ignored otherwise; the page
    # shows it only for a factura when JavaScript runs.
    legal_name = forms.CharField(
        label=_("Company name (razón social)"), required=False, strip=False,
        help_text=_("For an invoice (factura): the company's name as registered with SUNAT."),
        widget=forms.TextInput(attrs={"autocomplete": "organization", "maxlength": LEGAL_NAME_MAX_LENGTH}),
    )
    billing_same = forms.BooleanField(label=_("Bill to the delivery address"), required=False, initial=True)

    def __init__(self, *args, email_fixed: str | None = None, cart_total=None, ask_consent: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if ask_consent:
            # A guest (or a customer who has not accepted the current policies) accepts them here;
            # marketing is offered to guests only (customers choose it in their account).
            add_consent_fields(self, marketing=not email_fixed)
        # Known here already when the products alone pass SUNAT's limit; order_create checks
        # again with shipping and discounts.
        self.document_required = cart_total is not None and cart_total > ANONYMOUS_RECEIPT_LIMIT
        if self.document_required:
            self.fields["document_type"].choices = self.RECEIPTS[1:]
            self.fields["document_type"].required = True
            self.fields["document"].required = True
            self.fields["document"].help_text = anonymous_receipt_refusal()
        if email_fixed:
            # A signed-in customer's e-mail is their account's: never taken from the form.
            self.fields["email"].required = False
            self.fields["email"].disabled = True
            self.initial["email"] = email_fixed

    def clean(self):
        cleaned = super().clean()
        kind, document = cleaned.get("document_type", ""), cleaned.get("document", "")
        legal_name = normalize_legal_name(cleaned.get("legal_name", ""))
        if kind == "ruc":
            try:
                validate_legal_name(legal_name)
            except forms.ValidationError as error:
                self.add_error("legal_name", error)
        cleaned["legal_name"] = legal_name if kind == "ruc" else ""
        if kind and not document:
            self.add_error("document", _("Enter the number for your receipt."))
        elif kind == "dni":
            try:
                validate_dni(document)
            except forms.ValidationError as error:
                self.add_error("document", error)
        elif kind == "ruc":
            try:
                validate_ruc(document)
            except forms.ValidationError as error:
                self.add_error("document", error)
        elif document:
            self.add_error("document_type", _("Choose the kind of receipt for this number."))
        cleaned["document"] = document if kind else ""
        return cleaned


class DeliveryForm(forms.Form):
    """The shipping and payment method, chosen among what is offered for this cart and address."""

    shipping_method = forms.TypedChoiceField(label=_("Delivery"), coerce=int, widget=forms.RadioSelect,
                                             error_messages={"invalid_choice": _("Choose one of the delivery options shown.")})
    payment_method = forms.ChoiceField(label=_("Payment"), widget=forms.RadioSelect,
                                       error_messages={"invalid_choice": _("Choose one of the payment methods shown.")})

    def __init__(self, *args, shipping_options, payment_methods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shipping_method"].choices = [(option.method_id, option.name) for option in shipping_options]
        self.fields["payment_method"].choices = [(method.code, method.name) for method in payment_methods]
