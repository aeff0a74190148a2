"""The order timeline (timeline.selectors.order_timeline through orders.ports.order_timeline): one
list read from the rows the apps keep, in time order, filtered for the staff, a seller and the
customer; staff notes are append-only and reach the customer only when flagged."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders import ports
from orders.access import order_email_path
from orders.exceptions import NoteRefused
from orders.models import ORDER_NOTE_MAX_LENGTH, OrderEmail, OrderEmailKind, OrderNote
from orders.services import order_note_add
from orders.timeline import Audience
from payments.models import Refund
from payments.services.refunds import refund_approve
from receipts.services import receipt_issue_for_order
from returns import services as returns_services
from tests.factories import (
    UserFactory,
    WarehouseFactory,
    line_for,
    make_order,
    paid_order,
    received_return,
    seller_variant,
    stocked_variant,
)

pytestmark = pytest.mark.django_db


def titles(order, audience=Audience.STAFF, **extra) -> list[str]:
    return [event.title for event in ports.order_timeline(order=order, audience=audience, **extra)]


def positions(found: list[str], *patterns: str) -> list[int]:
    """Where each pattern first matches in the titles (so the test reads the order of the events)."""
    return [next(i for i, title in enumerate(found) if re.search(pattern, title)) for pattern in patterns]


@pytest.fixture
def journey(gateway_order, staff, warehouse, django_capture_on_commit_callbacks):
    """An order taken through paid → boleta → shipped → delivered → return → refund (and its nota)."""
    receipt_issue_for_order(order_id=gateway_order.pk)
    request = received_return(gateway_order, staff, warehouse, resolution="refund")
    with django_capture_on_commit_callbacks(execute=True):
        returns_services.return_resolve(request=request, actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        refund_approve(refund=Refund.objects.get(payment__order=gateway_order), actor=staff)
    return gateway_order


def test_the_journey_reads_in_the_order_it_happened(journey):
    found = titles(journey)
    steps = positions(
        found,
        r"^Pedido realizado$",
        r"^Pago confirmado \(Pasarela de prueba\)$",
        r"^Enviado con Olva Courier · guía 40061123$",
        r"^Entregado$",
        r"^Boleta B001-\d{8} emitida · ",
        r"^Devolución RMA-.* solicitada$",
        r"^Devolución RMA-.* aprobada$",
        r"^Devolución RMA-.* recibida$",
        r"^Reembolso de S/ .* solicitado$",
        r"^Devolución RMA-.* resuelta$",
        r"^Reembolso de S/ .* aprobado$",
        r"^Reembolso S/ ",
        r"^Nota de crédito BC01-\d{8} emitida",
    )
    assert steps == sorted(steps), found
    events = ports.order_timeline(order=journey, audience=Audience.STAFF)
    assert [event.when for event in events] == sorted(event.when for event in events)
    # The paid status is the payment's own event, the shipped one the leg's: not said twice.
    assert found.count("Entregado") == 1 and not any(title.startswith("Estado: ") for title in found)


def test_staff_see_who_and_links_the_customer_neither(journey, staff):
    staff_events = ports.order_timeline(order=journey, audience=Audience.STAFF)
    refund_request = next(e for e in staff_events if e.title.startswith("Reembolso de") and "solicitado" in e.title)
    assert refund_request.who and refund_request.url.startswith("/admin/payments/refund/")
    customer_events = ports.order_timeline(order=journey, audience=Audience.CUSTOMER)
    assert not any(event.who for event in customer_events)
    assert not any(event.url.startswith("/admin/") for event in customer_events)
    shown = [event.title for event in customer_events]
    # Staff-only steps (refund requested and approved) are not the shopper's; the refund itself is.
    assert not any("solicitado" in title or "aprobado" in title for title in shown)
    assert any(title.startswith("Reembolso S/ ") for title in shown)


def test_emails_sent_and_not_yet_sent(delivered_order):
    sent = OrderEmail.objects.get(order=delivered_order, kind=OrderEmailKind.PAID)
    OrderEmail.objects.filter(pk=sent.pk).update(sent_at=timezone.now())
    assert "Correo enviado: pago confirmado" in titles(delivered_order, Audience.CUSTOMER)
    waiting = [t for t in titles(delivered_order) if t.startswith("Correo aún no enviado")]
    assert waiting and not any(
        t.startswith("Correo aún no enviado") for t in titles(delivered_order, Audience.CUSTOMER)
    )


def test_ties_keep_a_stable_order(delivered_order):
    moment = delivered_order.placed_at + timedelta(minutes=5)
    for text in ("a", "b", "c"):
        OrderNote(order=delivered_order, text=text, created_at=moment).save()
    details = [
        e.detail for e in ports.order_timeline(order=delivered_order, audience=Audience.STAFF) if e.kind == "note"
    ]
    assert details == ["a", "b", "c"]


# --- notes --------------------------------------------------------------------------------------


def test_a_note_is_append_only(delivered_order, staff):
    note = order_note_add(order=delivered_order, author=staff, text="Llamó: entregar por la tarde")
    note.text = "otro texto"
    with pytest.raises(ValidationError):
        note.save()
    with pytest.raises(ValidationError):
        note.delete()
    with pytest.raises(ValidationError):
        OrderNote.objects.filter(pk=note.pk).update(text="x")
    assert OrderNote.objects.get(pk=note.pk).text == "Llamó: entregar por la tarde"
    assert note.history.get().history_user == staff  # the back office's audit entry


@pytest.mark.parametrize("text", ["", "   \n ", "x" * (ORDER_NOTE_MAX_LENGTH + 1)])
def test_empty_or_too_long_notes_are_refused(delivered_order, staff, text):
    with pytest.raises(NoteRefused):
        order_note_add(order=delivered_order, author=staff, text=text)
    assert not OrderNote.objects.exists()


def test_the_customer_sees_a_note_only_when_flagged(delivered_order, staff):
    order_note_add(order=delivered_order, author=staff, text="Cliente difícil, ojo")
    order_note_add(order=delivered_order, author=staff, text="Te llamaremos mañana", visible_to_customer=True)
    customer = ports.order_timeline(order=delivered_order, audience=Audience.CUSTOMER)
    notes = [(e.title, e.detail) for e in customer if e.kind == "note"]
    assert notes == [("Nota de la tienda", "Te llamaremos mañana")]
    staff_notes = [
        (e.title, e.who)
        for e in ports.order_timeline(order=delivered_order, audience=Audience.STAFF)
        if e.kind == "note"
    ]
    assert staff_notes == [
        ("Nota del equipo", staff.get_full_name() or staff.email),
        ("Nota del equipo (visible para el cliente)", staff.get_full_name() or staff.email),
    ]


def test_the_customer_page_escapes_a_note(client, delivered_order, customer, staff):
    order_note_add(
        order=delivered_order, author=staff, text='<script>alert("x")</script> & <b>listo</b>', visible_to_customer=True
    )
    order_note_add(order=delivered_order, author=staff, text="interno: no mostrar")
    client.force_login(customer)
    page = client.get(delivered_order.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;listo&lt;/b&gt;" in page
    assert "<script>alert" not in page and "interno: no mostrar" not in page
    assert "Pedido realizado" in page and "Nota de la tienda" in page and staff.email not in page


# --- the admin order page -------------------------------------------------------------------------


def change_url(order) -> str:
    return f"/admin/orders/order/{order.pk}/change/"


def change_form_data(response, **fields) -> dict:
    """The change form as the page sends it (its editable fields and every inline's management form)."""
    form = response.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields if form.initial.get(name) not in (None, False)}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()})
        for existing in formset.initial_forms:
            data[f"{existing.prefix}-id"] = existing.instance.pk
            data[f"{existing.prefix}-{formset.fk.name}"] = formset.instance.pk
    data.update(fields)
    return data


def add_note_from_admin(client, order, text, visible=False):
    page = client.get(change_url(order))
    prefix = next(i.formset.prefix for i in page.context["inline_admin_formsets"] if i.formset.model is OrderNote)
    data = change_form_data(page, **{f"{prefix}-0-text": text})
    if visible:
        data[f"{prefix}-0-visible_to_customer"] = "on"
    return client.post(change_url(order), data)


def test_staff_add_a_note_from_the_order_page(client, delivered_order, staff):
    client.force_login(staff)
    response = add_note_from_admin(client, delivered_order, "Cliente pidió factura nueva", visible=True)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    note = OrderNote.objects.get()
    assert (note.order, note.author, note.text, note.visible_to_customer) == (
        delivered_order,
        staff,
        "Cliente pidió factura nueva",
        True,
    )
    assert LogEntry.objects.filter(object_id=str(delivered_order.pk)).exists()  # the admin's history of the order
    page = client.get(change_url(delivered_order)).content.decode()
    assert "Cronología" in page and "Cliente pidió factura nueva" in page and "Pedido realizado" in page
    # The form only adds: the note written is not offered for editing or deleting.
    assert 'value="Cliente pidió factura nueva"' not in page and "Cliente pidió factura nueva</textarea>" not in page


def test_an_empty_or_too_long_note_from_the_admin_writes_nothing(client, delivered_order, staff):
    client.force_login(staff)
    page = client.get(change_url(delivered_order))
    prefix = next(i.formset.prefix for i in page.context["inline_admin_formsets"] if i.formset.model is OrderNote)
    too_long = client.post(
        change_url(delivered_order), change_form_data(page, **{f"{prefix}-0-text": "x" * (ORDER_NOTE_MAX_LENGTH + 1)})
    )
    assert too_long.status_code == 200 and "2000" in too_long.content.decode()
    blank_but_flagged = client.post(
        change_url(delivered_order),
        change_form_data(page, **{f"{prefix}-0-text": "   ", f"{prefix}-0-visible_to_customer": "on"}),
    )
    assert blank_but_flagged.status_code == 200
    untouched = client.post(change_url(delivered_order), change_form_data(page))
    assert untouched.status_code == 302
    assert not OrderNote.objects.exists()


def test_the_admin_page_escapes_a_note(client, delivered_order, staff):
    order_note_add(order=delivered_order, author=staff, text="<img src=x onerror=alert(1)>")
    client.force_login(staff)
    page = client.get(change_url(delivered_order)).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x onerror" not in page


# --- who sees what --------------------------------------------------------------------------------


def test_another_customers_order_is_a_404(client, delivered_order):
    client.force_login(UserFactory())
    assert client.get(delivered_order.get_absolute_url()).status_code == 404


def test_a_guest_sees_the_timeline_through_the_signed_link(staff, warehouse, olva):
    variant = stocked_variant(warehouse, sku="GUEST-1")
    order = paid_order(lines=[line_for(variant)], method=olva, email="invitado@example.pe")
    order_note_add(order=order, author=staff, text="Tu pedido sale hoy", visible_to_customer=True)
    guest = Client()
    assert guest.get(f"/orders/lookup/{order.number}/").status_code == 404  # not without the link
    page = guest.get(order_email_path(order), follow=True).content.decode()
    assert "Tu pedido sale hoy" in page and "Pedido realizado" in page
    assert Client().get(order_email_path(order)[:-3] + "abc/").status_code == 404  # an edited token


def test_a_seller_sees_the_status_and_their_own_legs_only(sellers, staff, olva):
    own, other = sellers
    order = make_order(
        lines=[
            line_for(seller_variant(own, sku="OWN-1", price="50.00")),
            line_for(seller_variant(other, sku="OTHER-1", price="70.00")),
        ],
        shipping_method_id=olva.pk,
    )
    from orders.services import order_payment_record
    from shipping import services as shipping_services

    order = order_payment_record(order=order).order
    for leg in order.shipments.order_by("pk"):
        shipping_services.shipment_ship(shipment=leg, tracking_number=f"4006112{leg.pk % 10}")
    order_note_add(order=order, author=staff, text="Nota interna del equipo")
    found = ports.order_timeline(order=order, audience=Audience.SELLER, seller_id=own.pk)
    staff_shipped = [e for e in ports.order_timeline(order=order, audience=Audience.STAFF) if e.kind == "shipment"]
    assert len(staff_shipped) >= 2
    assert {e.kind for e in found} <= {"order", "status", "shipment"}
    own_legs = {leg.pk for leg in order.shipments.filter(warehouse__seller=own)}
    assert all(any(f"E{pk}" in e.detail for pk in own_legs) for e in found if e.kind == "shipment")
    assert not any(e.who for e in found)

    client = Client()
    client.force_login(own.user)
    page = client.get(change_url(order)).content.decode()
    assert "Cronología" in page and "Nota interna del equipo" not in page
    other_leg = order.shipments.get(warehouse__seller=other)
    assert f"E{other_leg.pk}" not in page
    assert not any(i.formset.model is OrderNote for i in client.get(change_url(order)).context["inline_admin_formsets"])


def test_a_seller_cannot_add_a_note(sellers):
    own, _other = sellers
    order = make_order(lines=[line_for(seller_variant(own, sku="OWN-2", price="50.00"))])
    client = Client()
    client.force_login(own.user)
    client.post(change_url(order), {"notes-TOTAL_FORMS": "1", "notes-INITIAL_FORMS": "0", "notes-0-text": "hola"})
    assert not OrderNote.objects.exists()


# --- query counts ---------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def enrich(order, staff, n: int = 6) -> None:
    for i in range(n):
        order_note_add(order=order, author=staff, text=f"nota {i}", visible_to_customer=i % 2 == 0)
        OrderEmail.objects.create(order=order, kind=OrderEmailKind.REFUNDED, reference=f"r{i}", sent_at=timezone.now())


def test_the_customer_page_costs_the_same_with_one_or_many_events(client, warehouse, olva, customer, staff):
    few = make_order(
        lines=[line_for(stocked_variant(warehouse, sku="Q-1"))], customer=customer, shipping_method_id=olva.pk
    )
    many = make_order(
        lines=[line_for(stocked_variant(warehouse, sku="Q-2"))], customer=customer, shipping_method_id=olva.pk
    )
    enrich(many, staff)
    client.force_login(customer)
    count_queries(client, few.get_absolute_url())  # warm the session and the site settings' cache
    assert count_queries(client, few.get_absolute_url()) == count_queries(client, many.get_absolute_url())


def test_the_timeline_costs_the_same_with_one_or_many_events(journey, staff, django_assert_num_queries):
    enrich(journey, staff)
    with CaptureQueriesContext(connection) as rich:
        ports.order_timeline(order=journey, audience=Audience.STAFF)
    bare = make_order(lines=[line_for(stocked_variant(WarehouseFactory(), sku="Q-3"))])
    with django_assert_num_queries(len(rich)):
        ports.order_timeline(order=bare, audience=Audience.STAFF)


def test_the_admin_page_costs_the_same_with_one_or_many_events(client, warehouse, olva, staff):
    few = make_order(lines=[line_for(stocked_variant(warehouse, sku="Q-4"))], shipping_method_id=olva.pk)
    many = make_order(lines=[line_for(stocked_variant(warehouse, sku="Q-5"))], shipping_method_id=olva.pk)
    enrich(many, staff)
    client.force_login(staff)
    count_queries(client, change_url(few))  # warm the session and permission caches
    assert count_queries(client, change_url(few)) == count_queries(client, change_url(many))
