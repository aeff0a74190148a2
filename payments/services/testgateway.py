"""The store's test gateway paying as Peruvians pay, so a newcomer sees every flow without keys:
Yape (the phone and the app's approval code) and a PagoEfectivo CIP that waits to be paid later at
an agent (the demo agent page). Each outcome goes through the same services a real gateway's notice
does (payment_wait, payment_complete, payment_fail). One transaction each."""

import re
import secrets
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.exceptions import PaymentWaitRefused
from orders.models import OrderStatus

from ..models import Payment, PaymentMethod, Provider
from ..waiting import CIP_DIGITS
from .attempts import PaymentError, payment_complete, payment_fail, payment_wait

# Yape's approval code (the app shows six digits); this one the test gateway refuses, to show a decline.
YAPE_DECLINED_CODE = "000000"
YAPE_PHONE = re.compile(r"^9\d{8}$")  # a Peruvian mobile number: nine digits starting with 9
YAPE_CODE = re.compile(r"^\d{6}$")
# How long a test CIP can be paid (the order's hold is capped by WAITING_PAYMENT_MAX_HOURS).
TEST_CIP_HOURS = 24


def _lock_test_attempt(payment: Payment, kind: str) -> Payment:
    payment = Payment.objects.select_for_update(of=("self",)).select_related("order", "method").get(pk=payment.pk)
    if payment.provider != Provider.TEST or payment.method.kind != kind:
        raise PaymentError(_("There is no payment in progress for this order."))
    if payment.status != Payment.Status.PENDING:
        raise PaymentError(_("This payment attempt is already closed."))
    return payment


def payment_test_gateway_yape(*, payment: Payment, phone: str, approval_code: str) -> Payment:
    """The shopper approved the payment in Yape (simulated): any six digits approve, 000000 is
    refused. Raises PaymentError (nothing written) for a phone or code that is not well formed."""
    phone = re.sub(r"[\s-]", "", phone or "")
    approval_code = (approval_code or "").strip()
    if not YAPE_PHONE.match(phone):
        raise PaymentError(_("Enter the nine-digit mobile number your Yape uses (it starts with 9)."))
    if not YAPE_CODE.match(approval_code):
        raise PaymentError(_("Enter the six-digit approval code Yape shows you."))
    with transaction.atomic():
        payment = _lock_test_attempt(payment, PaymentMethod.Kind.WALLET)
        if approval_code == YAPE_DECLINED_CODE:
            return payment_fail(payment=payment, message=_("Yape refused the approval code (simulated)."))
        return payment_complete(
            payment=payment,
            amount=payment.amount,
            currency=payment.currency,
            gateway_reference=f"TEST-YAPE-{payment.pk:08d}",
            card_brand="yape",
            card_last4=phone[-4:],
        )


def _new_cip() -> str:
    while True:
        code = f"{secrets.randbelow(10**CIP_DIGITS):0{CIP_DIGITS}d}"
        if not Payment.objects.filter(provider=Provider.TEST, pay_code=code).exists():
            return code


def payment_test_gateway_cip(*, payment: Payment) -> Payment:
    """A CIP for the attempt: it waits (payments.payment_wait) and the order keeps its stock held
    until the code expires (capped by the store's setting)."""
    with transaction.atomic():
        payment = _lock_test_attempt(payment, PaymentMethod.Kind.TRANSFER)
        try:
            return payment_wait(
                payment=payment, code=_new_cip(), expires_at=timezone.now() + timedelta(hours=TEST_CIP_HOURS)
            )
        except PaymentWaitRefused as refusal:
            raise PaymentError(str(refusal)) from None


class AgentRefusal(PaymentError):
    """What the demo agent answers instead of taking the money, with an HTTP status for the page."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


def payment_test_gateway_agent_pay(*, code: str, amount: Decimal) -> Payment:
    """The demo agent takes the cash for a test CIP: the attempt completes through payment_complete,
    as a gateway's notice does. The amount must be the code's (an agent charges what the code says);
    a code paid already, expired or unknown is refused, nothing written."""
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("order")
            .filter(provider=Provider.TEST, pay_code=code)
            .exclude(pay_code="")
            .order_by("-pk")
            .first()
        )
        if payment is None:
            raise AgentRefusal(_("There is no CIP %(code)s to pay.") % {"code": code}, status=404)
        if payment.status == Payment.Status.SUCCEEDED:
            raise AgentRefusal(_("CIP %(code)s is already paid.") % {"code": code}, status=409)
        expires_at = payment.pay_code_expires_at
        cancelled = payment.order.status != OrderStatus.PENDING_PAYMENT  # the store cancelled the code with it
        if payment.status != Payment.Status.WAITING or cancelled or expires_at is None or expires_at <= timezone.now():
            raise AgentRefusal(
                _("CIP %(code)s expired or was cancelled: it can no longer be paid.") % {"code": code}, status=410
            )
        if amount != payment.amount:
            raise AgentRefusal(
                _("CIP %(code)s is for a different amount: the agent charges exactly what the code says.")
                % {"code": code},
                status=400,
            )
        return payment_complete(
            payment=payment,
            amount=payment.amount,
            currency=payment.currency,
            gateway_reference=f"TEST-CIP-{code}",
        )


# The test gateway's ways to pay as Peruvians do (demo_data adds them for `make run`): tests keep
# the card alone unless they ask for these.
TEST_GATEWAY_PERU_METHODS = (
    {
        "code": "yape-prueba",
        "name": "Yape (pasarela de prueba)",
        "description": "Simula Yape: tu número y el código de aprobación de la app.",
        "kind": PaymentMethod.Kind.WALLET,
        "order": 1,
    },
    {
        "code": "pagoefectivo-prueba",
        "name": "PagoEfectivo (pasarela de prueba)",
        "description": "Recibe un código CIP y págalo en el agente de demostración.",
        "kind": PaymentMethod.Kind.TRANSFER,
        "order": 2,
    },
)


def payment_methods_ensure_test_gateway_peru() -> list[PaymentMethod]:
    """The test gateway's Yape and PagoEfectivo methods (created once; staff's edits kept)."""
    methods = []
    for fields in TEST_GATEWAY_PERU_METHODS:
        method, _created = PaymentMethod.objects.get_or_create(
            code=fields["code"], defaults={**fields, "provider": Provider.TEST, "is_active": True}
        )
        methods.append(method)
    return methods
