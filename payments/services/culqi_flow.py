"""Paying an order with Culqi: a card in cuotas, Yape, or a PagoEfectivo CIP (payments.clients.culqi).

The pay page hosts Culqi's forms (Culqi.js tokenises the card in the browser; Yape takes the phone
and the approval code). The amount charged is always the attempt's, never the form's. A card or
Yape charge is answered at once (payment_complete, or a decline that closes the attempt); a CIP
leaves the attempt WAITING (payment_wait) until Culqi's webhook says the order was paid or expired.
Webhooks are never trusted as sent: the charge or order is read back from Culqi's API first."""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import format_money
from core.site_settings import site_setting

from ..clients import culqi
from ..models import Payment, Provider, Refund
from .attempts import PaymentError, payment_complete, payment_fail, payment_wait

logger = logging.getLogger(__name__)

CARD_METHOD = "culqi-tarjeta"
YAPE_METHOD = "culqi-yape"
CIP_METHOD = "culqi-pagoefectivo"
FAILED_ORDER_STATES = ("expired", "deleted")
# An attempt's reference while its charge is being made: "culqi:charging:<Unix seconds>". A claim
# older than any charge request can last (its process died mid-charge) may be taken again.
CHARGING = "culqi:charging:"
# While the shopper's bank authenticates them (3-D Secure): the card that asked for it, its cuotas
# and the browser's device id, "culqi:3ds:<token>:<cuotas>:<device id>". The retry charges exactly
# these, whatever the 3-D Secure form sends.
AWAITING_3DS = "culqi:3ds:"


class AuthenticationRequired(PaymentError):
    """The bank asks for 3-D Secure before this card is charged: nothing was taken, the attempt stays
    open and the shopper authenticates on the 3-D Secure page (payments:culqi_card_3ds)."""


@dataclass(frozen=True)
class CardAwaitingAuthentication:
    token_id: str
    installments: int  # 0: one payment
    device_id: str


def _unavailable() -> str:
    return _("Culqi did not answer or reported an error. Nothing was charged: try again in a moment.")


def _declined(error: culqi.CulqiError) -> str:
    return error.user_message or _("The payment was declined. Nothing was charged: try another card or method.")


def _pending(payment: Payment, method_code: str) -> Payment:
    payment = Payment.objects.select_related("order", "method").get(pk=payment.pk)
    if payment.provider != Provider.CULQI or payment.status != Payment.Status.PENDING:
        raise PaymentError(_("This payment attempt is already closed."))
    if payment.method.code != method_code:
        raise PaymentError(_("There is no payment in progress for this order."))
    return payment


def payment_culqi_card_options(*, payment: Payment, token_id: str) -> culqi.CardToken:
    """The card Culqi.js tokenised, read back: its brand, last four and the cuotas its issuer allows."""
    payment = _pending(payment, CARD_METHOD)
    try:
        return culqi.token_get(token_id=token_id, payment_id=payment.pk)
    except culqi.CulqiError as error:
        if error.unavailable:
            raise PaymentError(_unavailable()) from None
        raise PaymentError(_("Culqi did not recognise that card. Enter it again.")) from None


def _claim(payment: Payment, *, awaiting: str = "") -> None:
    """One charge per attempt: a double submit (two requests at once) finds it claimed. Culqi has no
    idempotency key, so this claim is what keeps one attempt from being charged twice. `awaiting`:
    a 3-D Secure retry claims only the reference its REVIEW left (one retry per authentication)."""
    now = int(time.time())
    # Ten-digit Unix seconds compare as text; connect and read may each take CULQI_TIMEOUT.
    stale = f"{CHARGING}{now - max(120, 4 * settings.CULQI_TIMEOUT)}"
    pending = Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING)
    claimable = (
        pending.filter(gateway_reference=awaiting)
        if awaiting
        else pending.filter(~Q(gateway_reference__startswith=CHARGING) | Q(gateway_reference__lt=stale))
    )
    claimed = claimable.update(gateway_reference=f"{CHARGING}{now}")
    if not claimed:
        raise PaymentError(_("This payment is already being processed: your order shows it in a moment."))


def _buyer(payment: Payment) -> tuple[dict[str, object], list[str]]:
    address = payment.order.shipping_address if isinstance(payment.order.shipping_address, dict) else {}
    return address, str(address.get("recipient") or "").split()


def _antifraud(payment: Payment) -> dict[str, object]:
    """Culqi's antifraud_details from the order's delivery address (what its fraud score reads)."""
    address, name = _buyer(payment)
    details = {
        "first_name": name[0] if name else "",
        "last_name": " ".join(name[1:]),
        "address": str(address.get("street") or ""),
        "address_city": str(address.get("district") or address.get("province") or ""),
        "country_code": "PE",
        "phone_number": str(address.get("phone") or ""),
    }
    return {key: value[:100] for key, value in details.items() if value}


def _charge(
    payment: Payment,
    *,
    source_id: str,
    installments: int,
    device_id: str = "",
    authentication: culqi.ThreeDSAuthentication | None = None,
    awaiting: str = "",
) -> Payment:
    _claim(payment, awaiting=awaiting)
    try:
        charge = culqi.charge_create(
            payment_id=payment.pk,
            order_number=payment.order.number,
            amount=payment.amount,
            currency=payment.currency,
            email=payment.order.email,
            source_id=source_id,
            installments=installments,
            antifraud=_antifraud(payment),
            device_id=device_id,
            authentication=authentication,
        )
    except culqi.CulqiError as error:
        if error.unavailable:
            # Closed, so a retry is another attempt: if Culqi did charge (its answer lost), its webhook
            # completes this one anyway and a second payment is caught and refunded (payment_complete).
            lost = _(
                "Culqi did not answer. If it charged you, your order is confirmed on its own; otherwise nothing "
                "was charged: try again in a moment."
            )
            payment_fail(payment=payment, message=lost)
            raise PaymentError(lost) from None
        message = (
            _declined(error)
            if error.declined
            else _("Culqi refused the payment: %(message)s")
            % {"message": error.user_message or error.code or error.status_code}
        )
        # The declined charge's id (Culqi's card_error names it), not the claim, is what staff look up.
        Payment.objects.filter(pk=payment.pk, gateway_reference__startswith=CHARGING).update(
            gateway_reference=error.charge_id[:120]
        )
        payment_fail(payment=payment, message=message)
        raise PaymentError(message) from None
    if charge.review and authentication is None and source_id.startswith("tkn_"):
        # Nothing taken: the claim becomes the card awaiting its 3-D Secure retry.
        Payment.objects.filter(pk=payment.pk, gateway_reference__startswith=CHARGING).update(
            gateway_reference=f"{AWAITING_3DS}{source_id}:{installments}:{device_id}"[:120]
        )
        raise AuthenticationRequired(_("Your bank asks you to confirm this purchase. Nothing was charged yet."))
    return payment_culqi_apply_charge(payment=payment, charge=charge)


def payment_culqi_card_awaiting_authentication(*, payment: Payment) -> CardAwaitingAuthentication | None:
    """The card of this pending attempt whose charge the bank answered with REVIEW, or None."""
    reference = payment.gateway_reference or ""
    if payment.status != Payment.Status.PENDING or not reference.startswith(AWAITING_3DS):
        return None
    token_id, _sep, rest = reference.removeprefix(AWAITING_3DS).partition(":")
    installments, _sep, device_id = rest.partition(":")
    if not token_id.startswith("tkn_") or not installments.isdigit():
        return None
    return CardAwaitingAuthentication(token_id=token_id, installments=int(installments), device_id=device_id)


def payment_culqi_card_authenticated_pay(*, payment: Payment, authentication: culqi.ThreeDSAuthentication) -> Payment:
    """The bank authenticated the shopper (Culqi3DS): the same card is charged again, with the same
    cuotas and the attempt's amount, carrying the authentication. A second REVIEW or a decline closes
    the attempt, nothing taken; the shopper may start again with another card or method."""
    payment = _pending(payment, CARD_METHOD)
    card = payment_culqi_card_awaiting_authentication(payment=payment)
    if card is None:
        raise PaymentError(_("There is no card verification in progress for this order. Enter your card again."))
    return _charge(
        payment,
        source_id=card.token_id,
        installments=card.installments,
        device_id=card.device_id,
        authentication=authentication,
        awaiting=payment.gateway_reference,
    )


def payment_culqi_apply_charge(*, payment: Payment, charge: culqi.Charge) -> Payment:
    """What Culqi says about a charge of this attempt: authorised (the order is paid, with the
    cuotas recorded), or not (asking for 3-D Secure again after it was done, or not authorised:
    the attempt fails, nothing taken)."""
    if charge.review or not charge.paid:
        message = _("Your bank could not confirm this purchase. Nothing was charged: try another card or method.")
        payment_fail(payment=payment, message=charge.user_message or message)
        raise PaymentError(message)
    if charge.amount is None:
        payment_fail(payment=payment, message=_unavailable())
        raise PaymentError(_unavailable())
    with transaction.atomic():
        Payment.objects.filter(pk=payment.pk).exclude(status=Payment.Status.SUCCEEDED).update(
            installments=charge.installments if charge.installments > 1 else None
        )
        return payment_complete(
            payment=payment,
            amount=charge.amount,
            currency=charge.currency,
            gateway_reference=charge.id,
            card_brand=charge.brand,
            card_last4=charge.last_four,
        )


def payment_culqi_card_pay(*, payment: Payment, token_id: str, installments: int, device_id: str = "") -> Payment:
    """Charge the tokenised card in `installments` cuotas (1: one payment), if its issuer allows them.
    AuthenticationRequired when the bank asks for 3-D Secure first (payment_culqi_card_authenticated_pay
    then charges it); `device_id` is the browser's Culqi3DS device id, for Culqi's fraud check."""
    token = payment_culqi_card_options(payment=payment, token_id=token_id)
    if installments != 1 and installments not in token.installments_allowed:
        raise PaymentError(_("Choose one of the numbers of cuotas shown."))
    payment = _pending(payment, CARD_METHOD)
    return _charge(
        payment, source_id=token.id, installments=installments if installments > 1 else 0, device_id=device_id
    )


def payment_culqi_yape_pay(*, payment: Payment, phone: str, otp: str) -> Payment:
    """Yape: the phone number and the approval code make a Yape token; it is charged at once."""
    payment = _pending(payment, YAPE_METHOD)
    try:
        token = culqi.yape_token_create(amount=payment.amount, phone=phone, otp=otp, payment_id=payment.pk)
    except culqi.CulqiError as error:
        if error.unavailable:
            raise PaymentError(_unavailable()) from None
        raise PaymentError(
            error.user_message
            or _("Yape did not accept that phone number and approval code. Check them and try again.")
        ) from None
    return _charge(payment, source_id=token, installments=0)


def payment_culqi_cip_start(*, payment: Payment) -> Payment:
    """A PagoEfectivo CIP for the attempt: the attempt waits (payment_wait) until it is paid or expires."""
    payment = _pending(payment, CIP_METHOD)
    order = payment.order
    address, name = _buyer(payment)
    # Never payable after the order stops holding its stock (orders caps the hold at this setting).
    expires_at = min(
        timezone.now() + timedelta(hours=settings.CULQI_CIP_HOURS),
        order.placed_at + timedelta(hours=site_setting("WAITING_PAYMENT_MAX_HOURS")),
    )
    try:
        culqi_order = culqi.order_create(
            payment_id=payment.pk,
            order_number=order.number,
            amount=payment.amount,
            currency=payment.currency,
            expires_at=expires_at,
            first_name=name[0] if name else "",
            last_name=" ".join(name[1:]),
            email=order.email,
            phone=str(address.get("phone") or ""),
        )
    except culqi.CulqiError as error:
        logger.warning("Culqi order for payment %s not created: %s", payment.pk, error)
        raise PaymentError(_unavailable()) from None
    Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(gateway_reference=culqi_order.id)
    return payment_wait(
        payment=payment,
        code=culqi_order.payment_code,
        expires_at=culqi_order.expires_at or expires_at,
        instructions_url=culqi_order.url,
    )


def payment_culqi_apply_order(*, payment: Payment, culqi_order: culqi.CulqiOrder) -> Payment:
    """What Culqi's API says about the order of a CIP: paid completes the attempt (amount checked
    by payment_complete), expired or deleted fails it; pending changes nothing."""
    if culqi_order.state == "paid":
        if culqi_order.amount is None:
            raise PaymentError(_unavailable())
        return payment_complete(
            payment=payment,
            amount=culqi_order.amount,
            currency=culqi_order.currency,
            gateway_reference=culqi_order.id,
        )
    if culqi_order.state in FAILED_ORDER_STATES:
        return payment_fail(
            payment=payment, message=_("The PagoEfectivo code expired before it was paid. Nothing was charged.")
        )
    return payment


def culqi_refunded_in_culqipanel(payment: Payment) -> bool:
    """Whether this payment is a paid PagoEfectivo CIP (a Culqi order, ord_…): Culqi's API refunds
    only charges (POST /v2/refunds takes a chr_ charge_id), so its money goes back from CulqiPanel."""
    return payment.provider == Provider.CULQI and (payment.gateway_reference or "").startswith("ord_")


def culqi_culqipanel_refund_note(payment: Payment, amount: Decimal) -> str:
    """What staff do by hand for a CIP's refund, in words the admin shows."""
    return _(
        "Culqi does not refund a PagoEfectivo (CIP) payment through its API: give %(amount)s back to the "
        "customer from CulqiPanel (order %(reference)s). Here the refund shows as failed with this note."
    ) % {"amount": format_money(amount), "reference": payment.gateway_reference}


def payment_culqi_refund(*, refund: Refund) -> str:
    """An approved refund through Culqi (a charge's; a paid CIP order refunds through CulqiPanel)."""
    payment = refund.payment
    if culqi_refunded_in_culqipanel(payment) or not payment.gateway_reference.startswith("chr_"):
        raise PaymentError(culqi_culqipanel_refund_note(payment, refund.amount))
    try:
        return culqi.refund_create(charge_id=payment.gateway_reference, amount=refund.amount, payment_id=payment.pk)
    except culqi.CulqiError as error:
        raise PaymentError(f"Culqi: {error}") from None
