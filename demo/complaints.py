"""The demo's consumer-law pages and sheets, made through the services: the four policies
(terms, privacy, returns, shipping), the demo customer's consent to them, and two sheets of the
Libro de Reclamaciones (a reclamo about a demo order, answered by support; a guest's queja still
open). Each is found again (policies by kind, sheets by e-mail), so a second run changes nothing."""

from decimal import Decimal

from django.contrib.auth import get_user_model

from complaints.models import ComplaintKind, ComplaintSheet, ConsumerDocument, ItemKind
from complaints.services import ComplaintData, complaint_answer, complaint_file
from legal.models import ConsentSource, PolicyKind, PolicyVersion
from legal.services import consent_record, policy_version_create, policy_version_publish
from orders.models import Order

TERMS = """## Quiénes somos
Kallpa es una tienda en línea peruana. Los datos de la empresa (razón social, RUC y domicilio) figuran en cada comprobante y en el Libro de Reclamaciones.

## Precios y pagos
Todos los precios están en soles e incluyen el IGV. El precio que pagas es el que ves al confirmar el pedido; si un precio cambia después, no afecta a los pedidos ya hechos. Aceptamos tarjetas, PayPal y los medios que muestra el paso de pago.

## Pedidos
Un pedido queda confirmado cuando recibimos el pago. Si el pago no llega en el plazo indicado, el pedido se anula y los productos vuelven a estar disponibles. Puedes anular tu pedido durante los primeros minutos, mientras no haya salido del almacén.

## Entregas
Enviamos a todo el Perú con los operadores que ves en el paso de entrega. Los plazos se cuentan en días hábiles desde la confirmación del pago. Más detalles en la política de envíos.

## Cambios y devoluciones
Puedes pedir la devolución de un producto dentro del plazo indicado en la política de devoluciones, desde la página de tu pedido.

## Comprobantes
Emitimos boleta o factura electrónica por cada pedido pagado y te la enviamos por correo.

## Libro de Reclamaciones
Tienes a tu disposición un Libro de Reclamaciones virtual en el pie de cada página. Respondemos en un plazo no mayor a quince (15) días hábiles.

## Ley aplicable
Estos términos se rigen por las leyes del Perú, en especial el Código de Protección y Defensa del Consumidor (Ley 29571)."""

PRIVACY = """## Responsable
Kallpa es responsable del tratamiento de los datos personales que nos das al comprar, crear una cuenta o presentar una hoja de reclamación, conforme a la Ley 29733 y su reglamento.

## Qué datos tratamos y para qué
Tu nombre, correo, teléfono, DNI o RUC y direcciones, para atender tus pedidos, emitir tus comprobantes, entregar tus compras, atender devoluciones y reclamos, y prevenir fraudes. Solo si lo aceptas aparte, usamos tu correo para enviarte ofertas y novedades.

## Con quién los compartimos
Con los operadores logísticos que entregan tu pedido, las pasarelas de pago que procesan tu pago (nunca guardamos los datos de tu tarjeta) y SUNAT, para los comprobantes electrónicos.

## Cuánto tiempo los guardamos
Mientras tengas una cuenta, y después el tiempo que exijan las normas tributarias y de protección al consumidor. Lo que no hace falta se borra solo: los registros de carritos abandonados, los registros técnicos de los pagos y las direcciones IP de tus consentimientos, pasados los plazos que fija la tienda.

## Tus derechos (ARCO)
Puedes acceder a tus datos, rectificarlos, cancelarlos u oponerte a su uso. Desde la sección Privacidad de tu cuenta descargas una copia de tus datos, dejas de recibir ofertas, presentas una solicitud ARCO (respondemos las de acceso en 20 días hábiles y las demás en 10) y cierras tu cuenta: borramos tus datos personales y guardamos solo lo que exigen las normas tributarias y de protección al consumidor (tus pedidos, comprobantes y hojas de reclamación)."""

RETURNS = """## Plazo
Puedes pedir la devolución dentro de los 30 días siguientes a la entrega, desde la página de tu pedido.

## Estado del producto
El producto debe estar completo, con sus accesorios y, en lo posible, en su empaque. Si llegó fallado o no es lo que pediste, la devolución no tiene costo para ti.

## Reembolso o vale
Cuando recibimos el producto y lo revisamos, te devolvemos el dinero al mismo medio de pago o te damos un vale de compra, como hayas elegido. Emitimos la nota de crédito electrónica correspondiente."""

SHIPPING = """## Cobertura
Enviamos a todo el Perú con Olva Courier, Shalom y Serpost, o puedes recoger tu pedido en tienda.

## Plazos
El plazo de cada opción se muestra antes de pagar y se cuenta en días hábiles desde la confirmación del pago. Un pedido con productos de varios almacenes puede llegar en más de un paquete.

## Costos
El costo depende del destino y del peso, y se muestra antes de pagar. Algunas opciones son gratis a partir de cierto monto.

## Seguimiento
Cuando tu pedido sale del almacén te enviamos el número de seguimiento por correo."""

POLICIES = [
    (PolicyKind.TERMS, "Términos y condiciones", TERMS),
    (PolicyKind.PRIVACY, "Política de privacidad", PRIVACY),
    (PolicyKind.RETURNS, "Política de devoluciones", RETURNS),
    (PolicyKind.SHIPPING, "Política de envíos", SHIPPING),
]

GUEST_EMAIL = "lucia.huaman@example.pe"


def publish_demo_policies() -> None:
    """The store's policies published, each once: a guest accepts them at checkout."""
    for kind, title, body in POLICIES:
        if not PolicyVersion.objects.filter(kind=kind).exists():
            policy_version_publish(version=policy_version_create(kind=kind, title=title, body=body))


def load_demo_policies(*, customer_email: str) -> None:
    publish_demo_policies()
    customer = get_user_model().objects.filter(email__iexact=customer_email).first()
    if customer is not None:
        consent_record(email=customer.email, user=customer, source=ConsentSource.DEMO, marketing=False)


def load_demo_complaints(*, customer_email: str) -> None:
    User = get_user_model()
    customer = User.objects.filter(email__iexact=customer_email).first()
    if customer is not None and not ComplaintSheet.objects.filter(email__iexact=customer_email).exists():
        order = Order.objects.filter(customer=customer).order_by("placed_at", "pk").first()
        sheet = complaint_file(
            customer=customer,
            order=order,
            data=ComplaintData(
                consumer_name=customer.get_full_name(),
                document_type=ConsumerDocument.DNI,
                document_number=customer.dni or "43451826",
                address="Av. Arequipa 1234, dpto. 502, Lince, Lima",
                phone=customer.phone,
                email=customer.email,
                item_kind=ItemKind.PRODUCT,
                amount=order.total if order else Decimal("89.90"),
                item_description=f"Pedido {order.number}" if order else "Polera",
                kind=ComplaintKind.RECLAMO,
                detail="El pedido llegó dos días después de la fecha prometida y la caja estaba golpeada.",
                consumer_request="Que me devuelvan el costo del envío.",
            ),
        )
        staff = User.objects.filter(is_superuser=True).order_by("pk").first()
        complaint_answer(
            sheet=sheet,
            actor=staff,
            response=(
                "Revisamos el envío con Olva Courier: hubo un retraso en su almacén de Lima. Te devolvimos el costo "
                "del envío a tu medio de pago y reforzamos el embalaje de ese almacén."
            ),
        )
    if not ComplaintSheet.objects.filter(email=GUEST_EMAIL).exists():
        complaint_file(
            data=ComplaintData(
                consumer_name="Lucía Huamán Ccori",
                document_type=ConsumerDocument.DNI,
                document_number="45678912",
                address="Jr. Puno 456, Cusco",
                phone="984 123 456",
                email=GUEST_EMAIL,
                item_kind=ItemKind.SERVICE,
                item_description="Atención por WhatsApp",
                kind=ComplaintKind.QUEJA,
                detail="Escribí tres veces por WhatsApp para consultar el stock de una casaca y nadie respondió.",
                consumer_request="Que mejoren la atención por WhatsApp.",
            )
        )
