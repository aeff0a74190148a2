"""Secrets out of gateway bodies before they are stored anywhere.

`redact` walks dicts and lists, reads JSON text and form-encoded bodies (str or bytes, any
encoding), and replaces:

- the values of sensitive keys (secrets, passwords, authorization, API keys, tokens, CVC;
  card number and expiry when they sit under a card) with "[redacted]";
- any run of 13-19 digits (single spaces or dashes allowed between groups) that passes the Luhn check
  with "[card number]", wherever it appears;
- Stripe secret keys (sk_/rk_), webhook secrets (whsec_), client secrets (pi_…_secret_…) and
  bearer/basic credentials inside any text with "[redacted]".

Signature headers are kept, truncated: enough to tell two deliveries apart, useless to forge one.
"""

import json
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "[redacted]"
CARD_NUMBER = "[card number]"

# Keys (lower case, "-" as "_") whose value is never stored.
_SECRET_KEYS = frozenset(
    {
        "secret",
        "client_secret",
        "password",
        "passwd",
        "authorization",
        "proxy_authorization",
        "api_key",
        "apikey",
        "x_api_key",
        "access_token",
        "refresh_token",
        "id_token",
        "private_key",
        "cookie",
        "set_cookie",
        "cvc",
        "cvv",
        "cvc2",
        "cvv2",
        "security_code",
        "card_number",
        "pan",
    }
)
_SECRET_SUFFIXES = ("_secret", "_password", "_token", "_api_key")
# Only secret inside a card: "number" alone is also an order number.
_CARD_KEYS = frozenset({"number", "exp_month", "exp_year", "expiry", "expiration", "expiry_date", "exp"})
# Kept, truncated.
_SIGNATURE_KEYS = frozenset({"stripe_signature", "paypal_transmission_sig", "signature"})
_SIGNATURE_KEEP = 24

_SECRET_PATTERNS = [
    re.compile(r"\b(?:sk|rk)_(?:test|live)_[A-Za-z0-9]+"),
    re.compile(r"\bwhsec_[A-Za-z0-9+/=]+"),
    re.compile(r"\b[a-z]{2,8}_[A-Za-z0-9]+_secret_[A-Za-z0-9]+"),  # pi_…_secret_…, seti_…_secret_…
    re.compile(r"(?i)\b(?<=bearer )[A-Za-z0-9._~+/=-]+"),
    re.compile(r"(?i)\b(?<=basic )[A-Za-z0-9+/=]{8,}"),
]
_DIGIT_RUN = re.compile(r"\d+(?:[ -]\d+)*")


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def is_card_number(digits: str) -> bool:
    return digits.isdigit() and 13 <= len(digits) <= 19 and luhn_valid(digits)


def _card_numbers_out(match: re.Match) -> str:
    """Within a run of digit groups ("ref 1 4242 4242 4242 4242"), every span of whole groups
    that is a card number is replaced; the other groups are kept."""
    groups = re.split(r"([ -])", match.group(0))  # digits, separator, digits, ...
    digits, separators = groups[0::2], groups[1::2]
    out, start = [], 0
    while start < len(digits):
        end, count, found = start, 0, None
        while end < len(digits) and count + len(digits[end]) <= 19:
            count += len(digits[end])
            if is_card_number("".join(digits[start : end + 1])):
                found = end
            end += 1
        if found is None:
            out.append(digits[start])
            start += 1
        else:
            out.append(CARD_NUMBER)
            start = found + 1
        if start < len(digits):
            out.append(separators[start - 1])
    return "".join(out)


def redact_text(text: str) -> str:
    """Secrets and card numbers out of free text (no structure assumed)."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(REDACTED, text)
    return _DIGIT_RUN.sub(_card_numbers_out, text)


def _key_parts(key) -> list[str]:
    """`card[number]` -> ["card", "number"]; `Stripe-Signature` -> ["stripe_signature"]."""
    return [part.strip().lower().replace("-", "_") for part in re.findall(r"[^\[\]]+", str(key))] or [""]


def _redact_value(key, value, in_card: bool):
    parts = _key_parts(key)
    name = parts[-1]
    in_card = in_card or any("card" in part for part in parts)
    if value is None or value == "":
        return value
    if name in _SECRET_KEYS or name.endswith(_SECRET_SUFFIXES) or (in_card and name in _CARD_KEYS):
        return REDACTED
    if name in _SIGNATURE_KEYS and isinstance(value, str):
        return value[:_SIGNATURE_KEEP] + "…" if len(value) > _SIGNATURE_KEEP else value
    return _redact(value, in_card)


def _redact(value, in_card: bool = False):
    if isinstance(value, dict):
        return {str(key): _redact_value(key, item, in_card) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_redact(item, in_card) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    if isinstance(value, int):
        return CARD_NUMBER if is_card_number(str(abs(value))) else value
    if isinstance(value, (bytes, bytearray, memoryview)):
        value = bytes(value).decode("utf-8", errors="backslashreplace")
    if isinstance(value, str):
        return _redact_str(value, in_card)
    return _redact_str(str(value), in_card)


def _looks_like_form(text: str) -> bool:
    return "=" in text and not any(char in text for char in ' \n\r\t{}<>"')


def _redact_form(text: str, in_card: bool) -> str:
    pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True)
    return urlencode([(key, _redact_value(key, value, in_card)) for key, value in pairs], safe="[]…")


def _redact_str(text: str, in_card: bool):
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            parsed = json.loads(stripped)
        except ValueError:
            pass
        else:
            return _redact(parsed, in_card)
    if _looks_like_form(stripped):
        try:
            return _redact_form(stripped, in_card)
        except ValueError:
            pass
    return redact_text(text)


def redact(value):
    """A copy of `value` safe to store: dicts and lists walked, JSON text parsed (and returned as
    data), form bodies re-encoded with their secret fields replaced, bytes decoded (undecodable
    bytes kept as escapes), anything else as redacted text."""
    return _redact(value)


def redact_url(url: str) -> str:
    """A URL with secret query parameters (and any secret in the path) replaced."""
    if not url:
        return url
    parts = urlsplit(url)
    query = parts.query
    if query:
        try:
            query = _redact_form(query, False)
        except ValueError:
            query = redact_text(query)
    return urlunsplit((parts.scheme, parts.netloc, redact_text(parts.path), query, ""))
