"""Gateway log redaction: no card number, CVC, secret or client secret survives, in any shape of
body (nested data, lists, JSON text, form bodies, bytes, undecodable bytes, URLs)."""

import json
from decimal import Decimal

from payments.gateway_log.redaction import CARD_NUMBER, REDACTED, luhn_valid, redact, redact_text, redact_url

VISA = "4242424242424242"
AMEX = "378282246310005"


def test_luhn():
    assert luhn_valid(VISA) and luhn_valid(AMEX) and luhn_valid("4111111111111111")
    assert not luhn_valid("4242424242424241")


def test_secret_keys_are_redacted_at_any_depth_and_in_lists():
    body = {
        "client_secret": "pi_3Abc_secret_Xyz",
        "password": "hunter2",
        "Authorization": "Bearer abc",
        "nested": {"api_key": "k", "deeper": [{"access_token": "a"}, {"refresh_token": "r"}, {"webhook_secret": "w"}]},
        "id": "pi_3Abc",
        "amount": 15000,
        "currency": "pen",
    }
    out = redact(body)
    assert out["client_secret"] == out["password"] == out["Authorization"] == REDACTED
    assert out["nested"]["api_key"] == REDACTED
    assert [list(item.values())[0] for item in out["nested"]["deeper"]] == [REDACTED] * 3
    assert (out["id"], out["amount"], out["currency"]) == ("pi_3Abc", 15000, "pen")
    assert body["password"] == "hunter2"  # the caller's data is not touched


def test_card_fields_are_redacted_under_a_card_but_an_order_number_is_kept():
    out = redact(
        {
            "number": "KP-000123",
            "card": {"number": VISA, "exp_month": 12, "exp_year": 2030, "cvc": "123", "brand": "visa", "last4": "4242"},
        }
    )
    assert out["number"] == "KP-000123"
    assert out["card"] == {
        "number": REDACTED,
        "exp_month": REDACTED,
        "exp_year": REDACTED,
        "cvc": REDACTED,
        "brand": "visa",
        "last4": "4242",
    }
    assert redact({"cvv": "999", "payment_source": {"card": {"security_code": "1234", "expiry": "2030-12"}}}) == {
        "cvv": REDACTED,
        "payment_source": {"card": {"security_code": REDACTED, "expiry": REDACTED}},
    }


def test_card_numbers_anywhere_are_replaced():
    out = redact(
        {
            "note": f"paid with {VISA} and 3782 822463 10005, ref 4111-1111-1111-1111",
            "as_int": int(VISA),
            "list": [VISA, "12345"],
            "not_a_card": "1234567890123",
        }
    )
    assert out["note"] == f"paid with {CARD_NUMBER} and {CARD_NUMBER}, ref {CARD_NUMBER}"
    assert out["as_int"] == CARD_NUMBER and out["list"] == [CARD_NUMBER, "12345"]
    assert out["not_a_card"] == "1234567890123"  # fails the Luhn check
    assert redact_text("created 1700000000 amount 409.80 phone 987654321") == (
        "created 1700000000 amount 409.80 phone 987654321"
    )


def test_stripe_keys_and_client_secrets_in_free_text():
    text = (
        "key sk_test_51HxYz and sk_live_abc123 rk_live_q1 hook whsec_AbC123 "
        "secret pi_3NkW2a_secret_Zz9 seti_1Ab_secret_Cd"
    )
    out = redact_text(text)
    for leaked in (
        "sk_test_51HxYz",
        "sk_live_abc123",
        "rk_live_q1",
        "whsec_AbC123",
        "pi_3NkW2a_secret_Zz9",
        "seti_1Ab_secret_Cd",
    ):
        assert leaked not in out
    assert redact_text("Authorization: Bearer eyJhbGciOi.x.y") == f"Authorization: Bearer {REDACTED}"
    assert "QWxhZGRpbjpvcGVu" not in redact_text("Basic QWxhZGRpbjpvcGVu")


def test_json_text_is_parsed_and_redacted():
    out = redact(json.dumps({"card": {"number": VISA, "cvc": "314"}, "amount": 100}))
    assert out == {"card": {"number": REDACTED, "cvc": REDACTED}, "amount": 100}
    assert redact(b'[{"client_secret": "x"}]') == [{"client_secret": REDACTED}]
    assert redact("{not json " + VISA) == "{not json " + CARD_NUMBER


def test_form_bodies_are_redacted_field_by_field():
    form = (
        f"amount=15000&currency=pen&card[number]={VISA}&card[exp_month]=12&card[cvc]=123"
        "&payment_method_data[card][number]=4111111111111111&description=Pedido+KP-1&client_secret=pi_1_secret_2"
    )
    out = redact(form.encode())
    assert out == (
        "amount=15000&currency=pen&card[number]=[redacted]&card[exp_month]=[redacted]&card[cvc]=[redacted]"
        "&payment_method_data[card][number]=[redacted]&description=Pedido+KP-1&client_secret=[redacted]"
    )
    assert redact("grant_type=client_credentials") == "grant_type=client_credentials"


def test_bytes_that_are_not_utf8_are_kept_as_escapes_and_still_redacted():
    out = redact(b"\xff\xfe caf\xe9 " + VISA.encode() + b" sk_test_123")
    assert out == f"\\xff\\xfe caf\\xe9 {CARD_NUMBER} {REDACTED}"
    assert redact("café ñandú") == "café ñandú"


def test_signatures_are_kept_truncated():
    signature = "t=1700000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"
    out = redact({"Stripe-Signature": signature})["Stripe-Signature"]
    assert signature.startswith(out.rstrip("…")) and len(out) < 30


def test_plain_values_pass_through():
    assert redact(None) is None and redact(True) is True and redact(1.5) == 1.5 and redact(42) == 42
    assert redact({"empty_secret": "", "password": None}) == {"empty_secret": "", "password": None}
    assert redact({"amount": Decimal("10.00")}) == {"amount": "10.00"}


def test_urls_lose_their_secret_query_parameters():
    url = f"https://api.example.com/v1/x?client_secret=pi_1_secret_2&expand=card&card[number]={VISA}#frag"
    assert redact_url(url) == (
        "https://api.example.com/v1/x?client_secret=[redacted]&expand=card&card[number]=[redacted]"
    )
    assert redact_url("") == ""


def test_a_card_number_next_to_other_digit_groups_is_still_found():
    assert redact_text(f"ref 1 {VISA} x") == f"ref 1 {CARD_NUMBER} x"
    assert redact_text("12 4111 1111 1111 1111 7") == f"12 {CARD_NUMBER} 7"
    assert redact_text("2026-11-22 13:53:06") == "2026-11-22 13:53:06"
