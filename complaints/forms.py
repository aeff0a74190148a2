import re

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import phone_validator
from accounts.validators import normalize_identity, validate_dni, validate_ruc

from .models import (
    DEFINITIONS,
    DESCRIPTION_MAX,
    DETAIL_MAX,
    REQUEST_MAX,
    ComplaintKind,
    ConsumerDocument,
    ItemKind,
)
from .services import MAX_AMOUNT, ComplaintData

# A foreigner's ID (carné de extranjería) or a passport: letters and digits, as printed.
_OTHER_DOCUMENT = re.compile(r"[A-Z0-9]{6,12}")


def _document_error(kind: str, number: str) -> forms.ValidationError | None:
    try:
        if kind == ConsumerDocument.DNI:
            validate_dni(number)
        elif kind == ConsumerDocument.RUC:
            validate_ruc(number)
        elif not _OTHER_DOCUMENT.fullmatch(number):
            return forms.ValidationError(
                _("Enter the document number as printed: 6 to 12 letters or digits."), code="invalid_document"
            )
    except forms.ValidationError as error:
        return error
    return None


class ComplaintForm(forms.Form):
    """The Hoja de Reclamación. The kind's choices carry the regulation's definitions."""

    order = forms.ChoiceField(
        label=_("Order number"), required=False, help_text=_("If this is about one of your orders, choose it.")
    )
    consumer_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    document_type = forms.ChoiceField(
        label=_("Document"), choices=ConsumerDocument.choices, initial=ConsumerDocument.DNI
    )
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    # One line on an <input>: "street-address" is the name for a multi-line <textarea>.
    address = forms.CharField(
        label=_("Address"), max_length=255, widget=forms.TextInput(attrs={"autocomplete": "address-line1"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, help_text=_("We send your copy of the sheet and our answer here.")
    )
    is_minor = forms.BooleanField(label=_("I am under 18"), required=False)
    guardian_name = forms.CharField(label=_("Parent or guardian's full name"), max_length=150, required=False)
    guardian_document = forms.CharField(label=_("Parent or guardian's DNI or CE"), max_length=18, required=False)
    item_kind = forms.ChoiceField(
        label=_("What is it about?"), choices=ItemKind.choices, widget=forms.RadioSelect, initial=ItemKind.PRODUCT
    )
    amount = forms.DecimalField(
        label=_("Amount claimed (S/)"),
        required=False,
        min_value=0,
        max_value=MAX_AMOUNT,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )
    item_description = forms.CharField(
        label=_("Description of the product or service"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=ComplaintKind.choices, widget=forms.RadioSelect)
    detail = forms.CharField(
        label=_("Detail"),
        max_length=DETAIL_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, with dates if you have them."),
    )
    consumer_request = forms.CharField(
        label=_("Your request"),
        max_length=REQUEST_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you ask the store to do."),
    )

    def __init__(self, *args, orders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.orders = {order.number: order for order in orders}
        self.fields["order"].choices = [("", _("Not about an order"))] + [
            (order.number, order.number) for order in orders
        ]  # the number carries its date
        if not orders:
            self.fields["order"].widget = forms.HiddenInput()

    def kind_choices(self):
        """(value, label, the regulation's definition) for the page's radio buttons."""
        return [(value, label, DEFINITIONS[value]) for value, label in ComplaintKind.choices]

    def clean_document_number(self) -> str:
        return normalize_identity(self.cleaned_data["document_number"]).upper()

    def clean_guardian_document(self) -> str:
        return normalize_identity(self.cleaned_data.get("guardian_document", "")).upper()

    def clean_order(self):
        number = self.cleaned_data.get("order", "")
        return self.orders.get(number) if number else None

    def clean(self):
        cleaned = super().clean()
        kind, number = cleaned.get("document_type"), cleaned.get("document_number")
        if kind and number and (error := _document_error(kind, number)) is not None:
            self.add_error("document_number", error)
        if cleaned.get("is_minor"):
            if not cleaned.get("guardian_name", "").strip():
                self.add_error("guardian_name", _("A minor files the sheet with the name of their parent or guardian."))
            guardian = cleaned.get("guardian_document", "")
            if guardian and _document_error(ConsumerDocument.DNI, guardian) and not _OTHER_DOCUMENT.fullmatch(guardian):
                self.add_error("guardian_document", _("Enter the parent or guardian's DNI (8 digits) or CE."))
        return cleaned

    def data_for_service(self) -> ComplaintData:
        c = self.cleaned_data
        return ComplaintData(
            consumer_name=c["consumer_name"],
            document_type=c["document_type"],
            document_number=c["document_number"],
            address=c["address"],
            phone=c.get("phone", ""),
            email=c["email"],
            is_minor=c.get("is_minor", False),
            guardian_name=c.get("guardian_name", ""),
            guardian_document=c.get("guardian_document", ""),
            item_kind=c["item_kind"],
            amount=c.get("amount"),
            item_description=c["item_description"],
            kind=c["kind"],
            detail=c["detail"],
            consumer_request=c["consumer_request"],
        )
