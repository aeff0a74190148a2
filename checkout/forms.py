from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import cast

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts import ubigeo
from accounts.fields import IdentityFormField
from accounts.forms import AddressForm
from accounts.models import Address
from accounts.validators import (
    LEGAL_NAME_MAX_LENGTH,
    normalize_legal_name,
    validate_dni,
    validate_legal_name,
    validate_ruc,
)
from core.money import format_money
from credit.services.gift_cards import DELIVERY_MAX_DAYS, GiftCardError, gift_card_details_clean
from legal.forms import ACCEPT_FIELD, MARKETING_FIELD, add_consent_fields
from orders.services import ANONYMOUS_RECEIPT_LIMIT, anonymous_receipt_refusal

from .state import CheckoutState

# The fields of an address a delivery needs (no label or default flags).
ADDRESS_FIELDS = ["recipient", "phone", "street", "reference", "department", "province", "district", "postal_code"]
# The details step's choice among the customer's saved addresses (their ids) or "a new address",
# and whether to keep the new one in the address book.
ADDRESS_CHOICE = "address"
NEW_ADDRESS = "new"
SAVE_ADDRESS = "save_address"
UNKNOWN_ADDRESS = _(
    "That address is not in your address book (it may have been deleted). "
    "Choose one of your saved addresses, or use a new one."
)
INCOMPLETE_ADDRESS = _("That saved address needs its province and district: edit it, or use a new one.")


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
    RECEIPTS = [
        ("", _("Receipt without a document")),
        ("dni", _("Receipt (boleta) with my DNI")),
        ("ruc", _("Invoice (factura) with a RUC")),
    ]

    email = forms.EmailField(
        label=_("E-mail"), max_length=254, help_text=_("We send the order confirmation and updates here.")
    )
    document_type = forms.ChoiceField(label=_("Receipt"), choices=RECEIPTS, required=False)
    document = IdentityFormField(label=_("DNI or RUC"), max_length=11, required=False)
    # Required with a RUC, judged in clean() (validate_legal_name) and ignored otherwise; the page
    # shows it only for a factura when JavaScript runs.
    legal_name = forms.CharField(
        label=_("Company name (razón social)"),
        required=False,
        strip=False,
        help_text=_("For an invoice (factura): the company's name as registered with SUNAT."),
        widget=forms.TextInput(attrs={"autocomplete": "organization", "maxlength": LEGAL_NAME_MAX_LENGTH}),
    )
    billing_same = forms.BooleanField(label=_("Bill to the delivery address"), required=False, initial=True)
    missing_document = _("Enter the number for your receipt.")

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
            cast(forms.ChoiceField, self.fields["document_type"]).choices = self.RECEIPTS[1:]
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
            self.add_error("document", self.missing_document)
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


@dataclass(frozen=True, kw_only=True)
class CheckoutDetails:
    """What the details step keeps for the next ones (checkout_details_record)."""

    email: str
    document_type: str
    document: str
    legal_name: str
    shipping: dict  # an address snapshot
    billing: dict  # empty: the same as shipping
    accepts_policies: bool  # the form asked for the terms and privacy policy, and they were accepted
    marketing: bool
    save_address: bool = False  # keep the new delivery address in the customer's address book


def _posted(data, prefix: str) -> dict:
    return {name: data.get(f"{prefix}-{name}", "") for name in ADDRESS_FIELDS}


def _initial(snapshot: dict) -> dict:
    if not snapshot:
        return {}
    initial = {name: snapshot.get(name, "") for name in ADDRESS_FIELDS}
    code = snapshot.get("ubigeo", "")
    initial["province"], initial["district"] = code[:4], code
    return initial


def address_from_saved(address: Address) -> dict:
    """A saved address as the order keeps it, made exactly as a typed one is (so its ubigeo,
    and with it the shipping zone and price, is the one a typed copy would get); {} for a row
    from before addresses had their province and district chosen from lists."""
    form = CheckoutAddressForm(instance=address)
    data = {name: form.initial.get(name, getattr(address, name)) or "" for name in ADDRESS_FIELDS}
    bound = CheckoutAddressForm(data=data)
    return bound.snapshot() if bound.is_valid() else {}


class DetailsForm(ContactForm):
    """The details step as one form: the contact and receipt fields, the delivery address (one
    of the customer's saved addresses, or a new one in shipping_form, which the customer may
    keep in their address book) and the billing address unless it is the delivery's
    (billing_form). Without data it shows what the session kept; posted with refresh_lists (a
    browser without JavaScript asking for the provinces and districts of what was chosen) it
    shows what was posted, unbound.

    The saved addresses are a field ("address") only for a customer who has some: a guest, or
    a customer without any, gets the new-address form alone, and an "address" they post is
    ignored."""

    def __init__(
        self,
        data=None,
        *,
        state: CheckoutState,
        saved: list[Address],
        email_fixed: str | None = None,
        cart_total=None,
        ask_consent: bool = False,
    ):
        self.refresh = data is not None and bool(data.get("refresh_lists"))
        bound = data is not None and not self.refresh
        self.saved = saved
        super().__init__(
            data if bound else None,
            initial=self._contact_initial(data, state),
            email_fixed=email_fixed,
            cart_total=cart_total,
            ask_consent=ask_consent,
        )
        self.email_fixed = email_fixed
        if saved:
            self._add_saved_address_fields(state)
        self.address_choice = str(self[ADDRESS_CHOICE].value() or "") if saved else NEW_ADDRESS
        self.new_address = self.address_choice == NEW_ADDRESS
        self.billing_is_delivery = bool(data.get("billing_same")) if data is not None else not state.billing
        self.shipping_form = self._address_form("shipping", data, state.shipping, bound=bound and self.new_address)
        self.billing_form = self._address_form(
            "billing", data, state.billing, bound=bound and not self.billing_is_delivery
        )

    def _add_saved_address_fields(self, state: CheckoutState) -> None:
        choices = [(str(address.pk), str(address)) for address in self.saved] + [(NEW_ADDRESS, _("Use a new address"))]
        self.fields[ADDRESS_CHOICE] = forms.ChoiceField(
            label=_("Delivery address"),
            choices=choices,
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Choose one of your saved addresses, or use a new one."),
                "invalid_choice": UNKNOWN_ADDRESS,
            },
        )
        self.fields[SAVE_ADDRESS] = forms.BooleanField(label=_("Save it to my address book"), required=False)
        self.initial.setdefault(ADDRESS_CHOICE, self._preselected(state.shipping))

    def _preselected(self, kept: dict) -> str:
        """The address the session kept, when it is a saved one; a new one the customer typed;
        else the default (the list comes default first) or first saved address that has its district."""
        usable = [address for address in self.saved if address.has_ubigeo]
        if kept:
            same = next((address for address in usable if address_from_saved(address) == kept), None)
            return str(same.pk) if same else NEW_ADDRESS
        return str(usable[0].pk) if usable else NEW_ADDRESS

    def _contact_initial(self, data, state: CheckoutState) -> dict | None:
        if data is None:
            return {
                "email": state.email,
                "document_type": state.document_type,
                "document": state.document,
                "legal_name": state.legal_name,
                "billing_same": not state.billing,
            }
        return data.dict() if self.refresh else None

    def _address_form(self, prefix: str, data, kept: dict, *, bound: bool) -> CheckoutAddressForm:
        if bound:
            return CheckoutAddressForm(data, prefix=prefix)
        if data is None:
            return CheckoutAddressForm(prefix=prefix, initial=_initial(kept))
        return CheckoutAddressForm(prefix=prefix, initial=_posted(data, prefix) if self.refresh else None)

    def clean_address(self) -> str:
        """One of this customer's saved addresses, complete, or "new". Another customer's id, a
        deleted address or a made-up value is not among the choices (UNKNOWN_ADDRESS)."""
        choice = self.cleaned_data[ADDRESS_CHOICE]
        if choice != NEW_ADDRESS and not self._saved_snapshot:
            raise forms.ValidationError(INCOMPLETE_ADDRESS, code="incomplete")
        return choice

    @cached_property
    def chosen(self) -> Address | None:
        """The saved address posted; None for a new one or an id that is not one of the shopper's."""
        if not self.is_bound or self.new_address:
            return None
        return next((address for address in self.saved if str(address.pk) == self.address_choice), None)

    @cached_property
    def _saved_snapshot(self) -> dict:
        return address_from_saved(self.chosen) if self.chosen is not None else {}

    def is_valid(self) -> bool:
        used = ((self.shipping_form, self.new_address), (self.billing_form, not self.billing_is_delivery))
        parts = [form for form, asked in used if asked]
        return super().is_valid() and all(form.is_valid() for form in parts)

    def details(self) -> CheckoutDetails:
        cleaned = self.cleaned_data
        return CheckoutDetails(
            email=self.email_fixed or cleaned["email"],
            document_type=cleaned["document_type"],
            document=cleaned["document"],
            legal_name=cleaned["legal_name"],
            shipping=self.shipping_form.snapshot() if self.new_address else self._saved_snapshot,
            billing=self.billing_form.snapshot() if not self.billing_is_delivery else {},
            accepts_policies=ACCEPT_FIELD in cleaned,
            marketing=bool(cleaned.get(MARKETING_FIELD)),
            save_address=self.new_address and bool(cleaned.get(SAVE_ADDRESS)),
        )

    def page_context(self) -> dict:
        return {
            "contact": self,
            "saved_addresses": self.saved,
            "address_choice": self.address_choice,
            "shipping_form": self.shipping_form,
            "billing_form": self.billing_form,
            "billing_same": self.billing_is_delivery,
        }


class DeliveryForm(forms.Form):
    """The shipping and payment method, chosen among what is offered for this cart and address."""

    shipping_method = forms.TypedChoiceField(
        label=_("Delivery"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the delivery options shown.")},
    )
    payment_method = forms.ChoiceField(
        label=_("Payment"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the payment methods shown.")},
    )

    def __init__(self, *args, shipping_options, payment_methods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shipping_method"].choices = [(option.method_id, option.name) for option in shipping_options]
        self.fields["payment_method"].choices = [(method.code, method.name) for method in payment_methods]


class GiftCardBuyForm(forms.Form):
    """One gift card to buy: a preset amount or one typed (whole soles, S/ 50–1,000), who gets it,
    when, with what message, and how to pay. The checks are credit's (gift_card_details_clean)."""

    OTHER = "other"

    amount = forms.ChoiceField(label=_("Amount"), widget=forms.RadioSelect)
    other_amount = forms.CharField(
        label=_("Another amount (S/ 50 to 1,000, whole soles)"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    recipient_name = forms.CharField(label=_("Recipient's name"), max_length=100)
    recipient_email = forms.CharField(
        label=_("Recipient's e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("The card and its code are e-mailed to this address."),
    )
    sender_name = forms.CharField(label=_("Your name (as the sender)"), max_length=100)
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
        help_text=_("Up to 300 characters."),
    )
    deliver_on = forms.CharField(
        label=_("Delivery date"),
        max_length=10,
        help_text=_("Today or any day within a year: the e-mail is sent that day."),
    )
    payment_method = forms.ChoiceField(label=_("Payment method"), widget=forms.RadioSelect)

    def __init__(self, *args, presets, payment_methods, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["amount"].choices = [(str(int(p)), format_money(p)) for p in presets] + [
            (self.OTHER, _("Another amount"))
        ]
        self.fields["payment_method"].choices = [(m.code, m.name) for m in payment_methods]
        self.fields["deliver_on"].widget = forms.DateInput(
            attrs={
                "type": "date",
                "min": today.isoformat(),
                "max": (today + timedelta(days=DELIVERY_MAX_DAYS)).isoformat(),
            }
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        amount = data["other_amount"] if data["amount"] == self.OTHER else data["amount"]
        try:
            data["details"] = gift_card_details_clean(
                amount=amount,
                recipient_name=data["recipient_name"],
                recipient_email=data["recipient_email"],
                sender_name=data["sender_name"],
                message=data.get("message", ""),
                deliver_on=data["deliver_on"],
                today=self.today,
            )
        except GiftCardError as error:
            raise forms.ValidationError(str(error)) from None
        return data


class StaffContactForm(ContactForm):
    """The contact and receipt checks of checkout, worded for the staff member typing them in."""

    missing_document = _("Enter the number for the customer's receipt.")


class StaffOrderForm(forms.Form):
    """An order staff take for a customer on WhatsApp or the phone (checkout.admin_views): who the
    customer is and their receipt, the coupon and the shipping method; the address is a
    CheckoutAddressForm and the products a StaffOrderLineFormSet beside it."""

    CHANNELS = [("whatsapp", _("WhatsApp")), ("phone", _("Phone"))]

    channel = forms.ChoiceField(label=_("Channel"), choices=CHANNELS, initial="whatsapp")
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_(
            "The payment link is e-mailed here. An existing customer's e-mail makes "
            "it their order (under “My orders”) and offers their saved addresses; "
            "any other, a guest order."
        ),
    )
    document_type = forms.ChoiceField(label=_("Receipt"), choices=ContactForm.RECEIPTS, required=False)
    document = forms.CharField(label=_("DNI or RUC"), max_length=11, required=False)
    legal_name = forms.CharField(
        label=_("Company name (razón social)"),
        required=False,
        max_length=LEGAL_NAME_MAX_LENGTH,
        help_text=_("Only with a RUC (factura)."),
    )
    coupon_code = forms.CharField(label=_("Coupon"), max_length=40, required=False)
    # Radios, as at checkout: a method's line (name, price, dates) wraps on a phone, a select's is cut.
    shipping_method = forms.TypedChoiceField(
        label=_("Shipping method"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the shipping methods that reach the address.")},
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=32)

    def __init__(self, *args, shipping_options, **kwargs):
        """shipping_options: the methods that reach the address (shipping.selectors.shipping_options)."""
        super().__init__(*args, **kwargs)
        self.fields["shipping_method"].choices = [
            (option.method_id, shipping_option_label(option)) for option in shipping_options
        ]


def shipping_option_label(option) -> str:
    """ "Olva Courier — Lima Metropolitana · S/ 10.00 · 26 Nov to 28 Nov": the price and dates staff read out."""
    price = _("Free") if option.is_free else format_money(option.price)
    if option.delivery_from == option.delivery_to:
        return _("%(name)s · %(price)s · %(date)s") % {
            "name": option.name,
            "price": price,
            "date": date_format(option.delivery_from, "j M"),
        }
    return _("%(name)s · %(price)s · %(from)s to %(to)s") % {
        "name": option.name,
        "price": price,
        "from": date_format(option.delivery_from, "j M"),
        "to": date_format(option.delivery_to, "j M"),
    }


class StaffOrderLineForm(forms.Form):
    # Checked by checkout.staff_orders (unknown SKU, quantity), which names the line it refuses.
    sku = forms.CharField(label=_("SKU"), max_length=64, required=False)
    quantity = forms.CharField(
        label=_("Quantity"),
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )


# As many rows as the order has lines plus a blank one, at least STAFF_ORDER_ROWS (staff_order_rows).
STAFF_ORDER_ROWS = 6
STAFF_ORDER_MAX_LINES = 20
StaffOrderLineFormSet = forms.formset_factory(
    StaffOrderLineForm, extra=0, max_num=STAFF_ORDER_MAX_LINES, absolute_max=STAFF_ORDER_MAX_LINES, validate_max=True
)


def staff_order_rows(lines: list[tuple[str, str]]) -> list[dict]:
    """The line rows to show for (SKU, quantity) pairs: those filled in, then blank ones."""
    filled = [
        {"sku": sku, "quantity": quantity}
        for sku, quantity in lines
        if str(sku or "").strip() or str(quantity or "").strip()
    ][:STAFF_ORDER_MAX_LINES]
    blank = max(STAFF_ORDER_ROWS - len(filled), 1 if len(filled) < STAFF_ORDER_MAX_LINES else 0)
    return filled + [{} for _row in range(blank)]
