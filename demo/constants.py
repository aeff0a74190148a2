"""The demo store's people, named once: demo_data creates them and the demo loaders use them."""

ADMIN_EMAIL = "admin@kallpa.pe"
CUSTOMER_EMAIL = "cliente@kallpa.pe"
