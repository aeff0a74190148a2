import pytest

from tests.factories import make_certificate


@pytest.fixture
def certificate(tmp_path, settings):
    path, cert_pem = make_certificate(tmp_path)
    settings.SUNAT_CERT_PATH, settings.SUNAT_CERT_PASSWORD = path, ""
    pem = tmp_path / "store-cert.pem"
    pem.write_bytes(cert_pem)
    return pem
