"""The payment providers' clients: Stripe Checkout, PayPal Orders v2, Mercado Pago Checkout Pro,
and the verification of their webhook signatures. They talk HTTP and log it, nothing more;
payments.services.gateways puts them behind the store's one gateway interface."""
