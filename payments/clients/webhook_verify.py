"""Signature checks of the gateways' webhooks, done locally (no call to the gateway).

Stripe: the `Stripe-Signature` header (t=…,v1=HMAC-SHA256 of "t.body" with the endpoint
secret), checked by the stripe library with a tolerance on t (here, both ways).

PayPal: RSA-SHA256 over "transmission id|transmission time|webhook id|CRC32 of the raw body",
checked against the certificate at PAYPAL-CERT-URL. The certificate is fetched over https only
from PayPal's own hosts (PAYPAL_CERT_HOSTS) and cached; trust in it comes from TLS to those
hosts, and it must be within its validity dates.
"""

import base64
import binascii
import hashlib
import hmac
import time
import zlib
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
import stripe
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone


class SignatureError(Exception):
    """The delivery is not proven to come from the gateway: answer 4xx, store nothing."""


class NotConfigured(SignatureError):
    """The endpoint's secret (or webhook id) is not set: nothing can be verified."""


class CertificateUnavailable(Exception):
    """PayPal's certificate could not be fetched now (network): the gateway should retry."""


def stripe_verify(*, raw_body: bytes, header: str | None) -> None:
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise NotConfigured("STRIPE_WEBHOOK_SECRET is not set")
    if not header:
        raise SignatureError("missing Stripe-Signature")
    try:
        stripe.WebhookSignature.verify_header(
            raw_body.decode("utf-8"), header, secret, tolerance=settings.STRIPE_WEBHOOK_TOLERANCE
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as error:
        raise SignatureError(str(error)) from error
    # The library refuses only old timestamps; one far ahead is a signature made to be replayed
    # later (or a clock gone wrong): the tolerance holds both ways, as for PayPal and Mercado Pago.
    if _stripe_timestamp(header) > time.time() + settings.STRIPE_WEBHOOK_TOLERANCE:
        raise SignatureError("Stripe-Signature timestamp is in the future")


def _stripe_timestamp(header: str) -> int:
    """The t= of a Stripe-Signature header already verified (so it is there and an integer)."""
    for part in header.split(","):
        key, _sep, value = part.strip().partition("=")
        if key == "t":
            return int(value)
    raise SignatureError("Stripe-Signature has no timestamp")


PAYPAL_HEADERS = (
    "PAYPAL-TRANSMISSION-ID",
    "PAYPAL-TRANSMISSION-TIME",
    "PAYPAL-TRANSMISSION-SIG",
    "PAYPAL-CERT-URL",
    "PAYPAL-AUTH-ALGO",
)


def paypal_signed_message(*, transmission_id: str, transmission_time: str, webhook_id: str, raw_body: bytes) -> bytes:
    return f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(raw_body) & 0xFFFFFFFF}".encode()


def paypal_verify(*, raw_body: bytes, headers) -> None:
    """`headers`: a case-insensitive mapping (request.headers)."""
    webhook_id = settings.PAYPAL_WEBHOOK_ID
    if not webhook_id:
        raise NotConfigured("PAYPAL_WEBHOOK_ID is not set")
    values = {name: (headers.get(name) or "").strip() for name in PAYPAL_HEADERS}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise SignatureError(f"missing {', '.join(missing)}")
    if values["PAYPAL-AUTH-ALGO"] != "SHA256withRSA":
        raise SignatureError("unsupported PAYPAL-AUTH-ALGO")
    try:
        sent_at = datetime.fromisoformat(values["PAYPAL-TRANSMISSION-TIME"])
    except ValueError as error:
        raise SignatureError("bad PAYPAL-TRANSMISSION-TIME") from error
    if timezone.is_naive(sent_at) or abs(timezone.now() - sent_at) > timedelta(
        seconds=settings.PAYPAL_WEBHOOK_TOLERANCE
    ):
        raise SignatureError("PAYPAL-TRANSMISSION-TIME outside the tolerance")
    try:
        signature = base64.b64decode(values["PAYPAL-TRANSMISSION-SIG"], validate=True)
    except (binascii.Error, ValueError) as error:
        raise SignatureError("PAYPAL-TRANSMISSION-SIG is not base64") from error
    certificate = paypal_certificate(values["PAYPAL-CERT-URL"])
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError("the certificate has no RSA key")
    message = paypal_signed_message(
        transmission_id=values["PAYPAL-TRANSMISSION-ID"],
        transmission_time=values["PAYPAL-TRANSMISSION-TIME"],
        webhook_id=webhook_id,
        raw_body=raw_body,
    )
    try:
        key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as error:
        raise SignatureError("bad PayPal signature") from error


def _allowed_cert_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    allowed = {host.strip().lower() for host in settings.PAYPAL_CERT_HOSTS if host.strip()}
    return (
        parts.scheme == "https"
        and port in (None, 443)
        and not parts.username
        and not parts.password
        and (parts.hostname or "").lower() in allowed
    )


def paypal_certificate(url: str) -> x509.Certificate:
    """The signing certificate at `url` (an https URL on an allowed PayPal host), cached."""
    if not _allowed_cert_url(url):
        raise SignatureError("PAYPAL-CERT-URL is not on an allowed PayPal host")
    key = "payments:paypal-cert:" + hashlib.sha256(url.encode()).hexdigest()
    pem = cached = cache.get(key)
    if pem is None:
        try:
            response = requests.get(url, timeout=5, allow_redirects=False)
            response.raise_for_status()
        except requests.RequestException as error:
            raise CertificateUnavailable(str(error)) from error
        pem = response.content
    try:
        certificate = x509.load_pem_x509_certificate(pem)
    except ValueError as error:
        raise SignatureError("PAYPAL-CERT-URL does not hold a PEM certificate") from error
    now = timezone.now()
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise SignatureError("the PayPal certificate is not valid now")
    if cached is None:
        cache.set(key, pem, settings.PAYPAL_CERT_CACHE_SECONDS)
    return certificate


def culqi_verify(*, key: str, authorization: str = "") -> None:
    """Culqi signs no webhook (its documentation describes none): the URL registered in CulqiPanel
    carries CULQI_WEBHOOK_SECRET (?key=…), or the notice comes with HTTP Basic credentials whose
    password is that secret (for a panel that asks a user and password); compared in constant time.
    That only keeps strangers out; what a notice says is never trusted: the charge or order is read
    back from Culqi's API."""
    secret = settings.CULQI_WEBHOOK_SECRET
    if not secret:
        raise NotConfigured("CULQI_WEBHOOK_SECRET is not set")
    if key and hmac.compare_digest(key.encode(), secret.encode()):
        return
    scheme, _sep, credentials = authorization.partition(" ")
    if scheme.lower() == "basic" and credentials:
        try:
            _user, _colon, password = base64.b64decode(credentials.strip(), validate=True).decode().partition(":")
        except (binascii.Error, ValueError):  # UnicodeDecodeError is a ValueError
            password = ""
        if password and hmac.compare_digest(password.encode(), secret.encode()):
            return
    raise SignatureError("missing or wrong Culqi webhook key")
