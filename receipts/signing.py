"""XMLDSig of a receipt's UBL with the store's certificate (SUNAT's "firma digital"): enveloped,
RSA-SHA256, inclusive C14N, the ds:Signature inside ext:UBLExtensions (where SUNAT reads it).
signxml signs (and verifies); the certificate comes from the environment:

    SUNAT_CERT_PATH      a PEM file (certificate and private key) or a PFX/P12 file
    SUNAT_CERT_PASSWORD  the PFX's (or the PEM key's) password, if any

Without a certificate nothing is signed: receipts are issued, shown and printed, and wait
("pending to send") until one is configured."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils import timezone
from lxml import etree
from signxml import SignatureConstructionMethod, XMLSigner, XMLVerifier

from core.process_memo import ProcessMemo

from .ubl import NS, SIGNATURE_ID

C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"


def self_signed_certificate(
    common_name: str, *, serial_number: str = "", days: int = 365
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A throwaway self-signed certificate and its RSA key: what the demo signs with when the store has
    no certificate, and what tests and the bench sign or verify with. Never valid before SUNAT."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if serial_number:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number))
    name = x509.Name(attributes)
    now = timezone.now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return key, certificate


class CertificateMissing(Exception):
    """No certificate is configured (or it cannot be read)."""


SigningKey = rsa.RSAPrivateKey | dsa.DSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class Certificate:
    key: SigningKey
    cert_pem: bytes


def certificate_configured() -> bool:
    return bool(getattr(settings, "SUNAT_CERT_PATH", ""))


# Loading a private key checks it, 27 ms of CPU for a 2048-bit RSA key against 0.25 ms to sign with
# it, and every receipt, note, resumen, baja and guía is signed: the key is read once per process,
# and again when the file, its path or its password changes (a certificate renewed in place).
_loaded = ProcessMemo(size=4)


def certificate_load() -> Certificate:
    path, password = settings.SUNAT_CERT_PATH, settings.SUNAT_CERT_PASSWORD or None
    if not path:
        raise CertificateMissing("SUNAT_CERT_PATH is not set")
    try:
        found = Path(path).stat()
    except OSError as error:
        raise CertificateMissing(f"cannot read SUNAT_CERT_PATH: {error.strerror}") from None
    version = (path, password, found.st_ino, found.st_size, found.st_mtime_ns)
    certificate = _loaded.get(version)
    if certificate is None:
        certificate = _read_certificate(path, password)
        _loaded.put(version, certificate)
    return certificate


def _read_certificate(path: str, password: str | None) -> Certificate:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise CertificateMissing(f"cannot read SUNAT_CERT_PATH: {error.strerror}") from None
    secret = password.encode() if password else None
    try:
        if path.lower().endswith((".pfx", ".p12")):
            pfx_key, cert, _chain = pkcs12.load_key_and_certificates(data, secret)
            if pfx_key is None or cert is None:  # a PFX may hold either alone
                raise CertificateMissing("SUNAT_CERT_PATH holds no certificate and key together")
            key = pfx_key
            cert_pem = cert.public_bytes(serialization.Encoding.PEM)
        else:
            key = serialization.load_pem_private_key(data, secret)
            cert_pem = x509.load_pem_x509_certificate(data).public_bytes(serialization.Encoding.PEM)
    except (ValueError, TypeError) as error:
        raise CertificateMissing(f"SUNAT_CERT_PATH holds no usable certificate and key: {error}") from None
    if not isinstance(key, (rsa.RSAPrivateKey, dsa.DSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise CertificateMissing("SUNAT_CERT_PATH holds a key XML signatures cannot sign with")
    return Certificate(key=key, cert_pem=cert_pem)


def xml_sign(xml: bytes, certificate: Certificate) -> tuple[bytes, str]:
    """(signed XML, its digest value — the "hash" printed on the receipt and in its QR)."""
    root = etree.fromstring(xml)
    signer = XMLSigner(
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm="rsa-sha256",
        digest_algorithm="sha256",
        c14n_algorithm=C14N,
    )
    signed = signer.sign(root, key=certificate.key, cert=certificate.cert_pem.decode())
    signature = signed.find("ds:Signature", NS)
    signature.set("Id", SIGNATURE_ID)
    signed.remove(signature)
    signed.find("ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent", NS).append(signature)
    digest = signature.findtext("ds:SignedInfo/ds:Reference/ds:DigestValue", namespaces=NS)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8"), digest


def xml_verify(xml: bytes, *, cert_pem: bytes) -> None:
    """Raise signxml's InvalidSignature unless `xml` is signed by that certificate's key."""
    XMLVerifier().verify(xml, x509_cert=cert_pem.decode(), expect_references=1)
