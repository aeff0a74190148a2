"""The demo's personal-data requests (Ley 29733), made through privacy.services: the demo customer
asked for a copy of their data (acceso), answered by the administrator and e-mailed, and asked to
correct their phone number (rectificación), still open so the admin shows its days left. Found again
by the customer and kind, so a second run changes nothing."""

from django.contrib.auth import get_user_model

from privacy.models import ArcoKind, ArcoRequest
from privacy.services import arco_request_answer, arco_request_file

ACCESS_ANSWER = (
    "Te enviamos la copia de tus datos: los de tu cuenta, tus direcciones, tus pedidos y tus "
    "consentimientos. También puedes descargarla cuando quieras desde Mi cuenta → Privacidad."
)
RECTIFICATION_DETAIL = "Mi número de celular cambió: el correcto es 987 654 321. Corríjanlo en mis pedidos en curso."


def load_demo_privacy(*, customer_email: str) -> None:
    customer = get_user_model().objects.filter(email__iexact=customer_email).first()
    if customer is None:
        return
    mine = ArcoRequest.objects.filter(customer=customer)
    if not mine.filter(kind=ArcoKind.ACCESS).exists():
        asked = arco_request_file(kind=ArcoKind.ACCESS, email=customer.email, customer=customer)
        staff = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        arco_request_answer(request_id=asked.pk, answer=ACCESS_ANSWER, actor=staff)
    if not mine.filter(kind=ArcoKind.RECTIFICATION).exists():
        arco_request_file(
            kind=ArcoKind.RECTIFICATION, email=customer.email, customer=customer, detail=RECTIFICATION_DETAIL
        )
