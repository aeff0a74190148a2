"""The signed links of alerts' e-mails: confirm an alert, unsubscribe from it, restore a cart.
Each names its row and the address it was sent to, under a salt of its own, so a link made for
one purpose or one row opens nothing else; a changed character is refused."""

from dataclasses import dataclass

from django.core import signing

CONFIRM = "alerts.confirm"
UNSUBSCRIBE = "alerts.unsubscribe"
CART = "alerts.cart"

DAY = 24 * 60 * 60
# Unsubscribing works for ever; confirming and restoring a cart only while it still makes sense.
MAX_AGE = {CONFIRM: 7 * DAY, UNSUBSCRIBE: None, CART: 7 * DAY}


class TokenInvalid(Exception):
    """A link that was changed, or made for something else."""


class TokenExpired(TokenInvalid):
    """A genuine link, too old to use."""


@dataclass(frozen=True)
class Signed:
    pk: int
    email: str


def token_make(purpose: str, *, pk: int, email: str) -> str:
    return signing.dumps([pk, email], salt=purpose, compress=True)


def token_read(purpose: str, token: str) -> Signed:
    try:
        pk, email = signing.loads(str(token)[:500], salt=purpose, max_age=MAX_AGE[purpose])
    except signing.SignatureExpired:
        raise TokenExpired from None
    except (signing.BadSignature, ValueError, TypeError):
        raise TokenInvalid from None
    if not isinstance(pk, int) or not isinstance(email, str):
        raise TokenInvalid
    return Signed(pk=pk, email=email)
