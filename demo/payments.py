"""The demo store pays as Peruvians pay, without keys: the test gateway's Yape and PagoEfectivo
(CIP) methods beside its card, so a newcomer sees a CIP wait for the demo agent."""


def load_demo_payment_methods() -> None:
    from payments.services.testgateway import payment_methods_ensure_test_gateway_peru

    payment_methods_ensure_test_gateway_peru()
