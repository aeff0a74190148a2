import pytest
import responses

from .gateway_fakes import FakeCulqi, FakeMercadoPago, FakePayPal, FakeStripe


@pytest.fixture
def gateways_unset(settings):
    """No gateway configured (as under `make run`); a test switches on the ones it fakes."""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.PAYPAL_CLIENT_ID = settings.PAYPAL_CLIENT_SECRET = ""
    settings.PAYPAL_MODE = "sandbox"
    settings.MERCADOPAGO_ACCESS_TOKEN = ""
    settings.CULQI_SECRET_KEY = settings.CULQI_PUBLIC_KEY = settings.CULQI_WEBHOOK_SECRET = ""
    return settings


@pytest.fixture
def gateway_http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        yield api


@pytest.fixture
def fake_stripe(gateways_unset, gateway_http):
    gateways_unset.STRIPE_SECRET_KEY = "sk_test_kallpa"
    return FakeStripe(gateway_http)


@pytest.fixture
def fake_paypal(gateways_unset, gateway_http):
    gateways_unset.PAYPAL_CLIENT_ID, gateways_unset.PAYPAL_CLIENT_SECRET = "AKallpa-client-id", "EKallpa-secret"
    return FakePayPal(gateway_http)


@pytest.fixture
def fake_mercadopago(gateways_unset, gateway_http):
    gateways_unset.MERCADOPAGO_ACCESS_TOKEN = "APP_USR-5432109876543210-112200-kallpa-reconcile"
    return FakeMercadoPago(gateway_http)


@pytest.fixture
def fake_culqi(gateways_unset, gateway_http):
    gateways_unset.CULQI_SECRET_KEY = "sk_test_kallpa0culqi0secret"
    return FakeCulqi(gateway_http)
