"""Paid orders as checkout makes them, a throwaway signing certificate, a faked SUNAT CDR."""

import base64
import io
import zipfile
from datetime import timedelta
from decimal import Decimal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.utils import timezone

from orders.services import OrderLineData, order_create
from payments.services import payment_dummy_pay, payment_method_ensure_dummy, payment_start
from tests.factories import ProductFactory, VariantFactory, WarehouseFactory, stock

BUYER_RUC = "20100047218"  # a valid RUC (check digit)
BUYER_DNI = "45678912"
ADDRESS = {"recipient": "Comercial Andina S.A.C.", "phone": "987654321", "street": "Av. Arequipa 1234",
           "district": "Miraflores", "province": "Lima", "department": "15", "department_name": "Lima"}


def make_order(*, prices=("199.90",), quantities=None, discounts=None, order_discount="0.00", shipping="15.00",
               document_type="", document="", billing=None, customer=None, email="rosa@example.pe",
               legal_name=None):
    if legal_name is None:  # a factura is issued to the company named with its RUC at checkout
        legal_name = "Comercial Andina S.A.C." if document_type == "ruc" else ""
    lines, warehouse = [], WarehouseFactory()
    for index, price in enumerate(prices):
        variant = VariantFactory(product=ProductFactory(base_price=Decimal(price)))
        quantity = quantities[index] if quantities else 1
        stock(variant, warehouse, quantity + 2)
        discount = Decimal(discounts[index]) if discounts else Decimal("0.00")
        lines.append(OrderLineData.from_variant(variant, quantity=quantity, discount=discount))
    return order_create(
        customer=customer, email=email, lines=lines, shipping_address=ADDRESS, billing_address=billing or ADDRESS,
        shipping_method_id=None, shipping_method_name="Olva Courier", shipping_total=Decimal(shipping),
        discount_total=Decimal(order_discount), idempotency_key=None, customer_document=document,
        customer_document_type=document_type,
        customer_legal_name=legal_name,
    )


def pay(order):
    """Pay through the test gateway, as a shopper does (the receipt is asked for inside)."""
    payment = payment_start(order=order, method=payment_method_ensure_dummy())
    return payment_dummy_pay(payment=payment)


def make_certificate(tmp_path, *, pfx_password: str | None = None):
    """A throwaway self-signed certificate and key: (path, certificate PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "KALLPA STORE S.A.C."),
                      x509.NameAttribute(NameOID.SERIAL_NUMBER, "20601234565")])
    now = timezone.now()
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365)).sign(key, hashes.SHA256()))
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    if pfx_password is not None:
        path = tmp_path / "store.pfx"
        path.write_bytes(pkcs12.serialize_key_and_certificates(
            b"kallpa", key, cert, None, serialization.BestAvailableEncryption(pfx_password.encode())))
    else:
        path = tmp_path / "store.pem"
        path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()) + cert_pem)
    return str(path), cert_pem


def cdr_response(file_name: str, *, code: str = "0", description: str = "La Factura ha sido aceptada",
                 notes=()) -> str:
    notes_xml = "".join(f"<cbc:Note>{note}</cbc:Note>" for note in notes)
    cdr = (
        '<?xml version="1.0" encoding="UTF-8"?><ar:ApplicationResponse '
        'xmlns:ar="urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2" '
        'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
        'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        f"{notes_xml}<cac:DocumentResponse><cac:Response><cbc:ReferenceID>{file_name}</cbc:ReferenceID>"
        f"<cbc:ResponseCode>{code}</cbc:ResponseCode><cbc:Description>{description}</cbc:Description>"
        "</cac:Response></cac:DocumentResponse></ar:ApplicationResponse>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"R-{file_name}.xml", cdr)
    content = base64.b64encode(buffer.getvalue()).decode()
    return ('<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body>'
            '<br:sendBillResponse xmlns:br="http://service.sunat.gob.pe">'
            f"<applicationResponse>{content}</applicationResponse></br:sendBillResponse></soap-env:Body>"
            "</soap-env:Envelope>")


def soap_fault(code: str, message: str) -> str:
    return ('<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body>'
            f"<soap-env:Fault><faultcode>soap-env:Client.{code}</faultcode><faultstring>{message}</faultstring>"
            "</soap-env:Fault></soap-env:Body></soap-env:Envelope>")


def checkout_order(*, customer, variants, method, coupon_code: str = "", kit=None, document_type: str = "",
                   document: str = "", legal_name: str = "", billing=None, credit=None, credit_amount: str = "",
                   key: str = "k"):
    """An order placed through checkout as a shopper places it (cart, coupon, kit, store credit)."""
    from cart.services import Cart, cart_add, cart_add_kit
    from checkout.services import checkout_place_order
    from checkout.state import CheckoutState

    cart = Cart(id=f"receipts-{key}", customer=customer, coupon_code=coupon_code)
    for variant, quantity in variants:
        cart_add(cart=cart, sku=variant.sku, quantity=quantity)
    if kit is not None:
        cart_add_kit(cart=cart, kit=kit, variant_choices={}, optional_item_ids=set())
    state = CheckoutState(email=customer.email, shipping={**ADDRESS, "ubigeo": "150122"}, billing=billing or {},
                          document_type=document_type, document=document, shipping_method_id=method.pk,
                          legal_name=legal_name or ("Comercial Andina S.A.C." if document_type == "ruc" else ""),
                          payment_method="dummy", keys=[key], credit_id=getattr(credit, "pk", None),
                          credit_amount=credit_amount)
    return checkout_place_order(cart=cart, state=state, key=key, customer=customer)
