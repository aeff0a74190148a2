"""What the shopper has told checkout so far, kept in the session between its steps.

Only choices live here (addresses, e-mail, method ids); prices and totals are always computed
again from the database. The review page's one-time keys are core.form_keys' ("checkout")."""

from dataclasses import asdict, dataclass, field

SESSION_KEY = "checkout"


@dataclass
class CheckoutState:
    email: str = ""
    shipping: dict = field(default_factory=dict)  # an address snapshot (names and ubigeo codes)
    billing: dict = field(default_factory=dict)  # empty: the same as shipping
    document_type: str = ""  # "dni", "ruc" or "" (no document on the receipt)
    document: str = ""
    legal_name: str = ""  # the company's razón social, with a RUC (a factura)
    shipping_method_id: int | None = None
    payment_method: str = ""  # a PaymentMethod code
    credit_id: int | None = None  # the shopper's store credit to pay with (checked again when placing)
    credit_amount: str = ""  # how much of it, in soles ("" = none)
    gift_card_code: str = ""  # a gift card's code (bearer: whoever has it may pay with it), checked again when placing
    gift_card_amount: str = ""  # how much of it, in soles ("" = none)

    @classmethod
    def load(cls, request) -> "CheckoutState":
        data = request.session.get(SESSION_KEY) or {}
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)

    def save(self, request) -> None:
        request.session[SESSION_KEY] = asdict(self)

    @staticmethod
    def clear(request) -> None:
        request.session.pop(SESSION_KEY, None)

    @property
    def has_details(self) -> bool:
        return bool(self.email and self.shipping.get("ubigeo"))

    @property
    def has_delivery(self) -> bool:
        return self.has_details and self.shipping_method_id is not None and bool(self.payment_method)

    @property
    def billing_address(self) -> dict:
        return self.billing or self.shipping

    def credit_clear(self) -> None:
        self.credit_id, self.credit_amount = None, ""

    def gift_card_clear(self) -> None:
        self.gift_card_code, self.gift_card_amount = "", ""
