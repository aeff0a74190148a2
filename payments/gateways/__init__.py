"""Gateways the store talks to over HTTP. The test gateway needs none (payments.services)."""
