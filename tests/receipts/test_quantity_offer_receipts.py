"""A 3x2 and a "2do al 50 %" on the boleta, as SUNAT judges it: each line's discount (the offer's
share, spread over its units) is the line's allowance 00, the lines add up to the total, and the
XML passes the schemas, the signature check, SUNAT's rules and (with SUNAT_XSL_DIR) SUNAT's own
stylesheets. A return of one unit of the 3x2 gives back that unit's paid share, never the free
unit's price; the three together give back what they cost."""

from decimal import Decimal

import pytest
from django.urls import reverse
from lxml import etree

from promotions.models import QuantityOffer, Scope
from promotions.services import quantity_offer_create
from receipts.models import CreditReason, Receipt, ReceiptKind
from receipts.pdf import receipt_pdf
from receipts.services import credit_note_issue
from returns.services import _paid_per_unit
from tests.factories import BUYER_DNI, BUYER_RUC, UserFactory, checkout_order, pay, three_for_two
from tests.receipts.judge import judge_all

pytestmark = [pytest.mark.django_db, pytest.mark.shop("sunat")]

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"


def test_a_3x2_boleta_carries_the_offer_as_line_allowances(shop, certificate, django_capture_on_commit_callbacks):
    method, variant = shop
    customer = UserFactory(email="rosa@example.pe")
    polo, gorra = variant("59.90"), variant("39.90")
    three_for_two(polo.product)
    quantity_offer_create(
        name="2do al 50 %",
        kind=QuantityOffer.Kind.NTH_UNIT_PERCENT,
        buy_quantity=2,
        percent=Decimal("50"),
        scope=Scope.PRODUCTS,
        products=[gorra.product],
    )
    with django_capture_on_commit_callbacks(execute=True):
        order = checkout_order(
            customer=customer,
            variants=[(polo, 3), (gorra, 2)],
            method=method,
            document_type="dni",
            document=BUYER_DNI,
            key="qo",
        )
        pay(order)
    order.refresh_from_db()
    lines = {line.variant_id: line for line in order.lines.all()}
    assert lines[polo.pk].offer_discount == Decimal("59.90") and lines[polo.pk].line_total == Decimal("119.80")
    assert lines[gorra.pk].offer_discount == Decimal("19.95") and lines[gorra.pk].line_total == Decimal("59.85")
    assert order.discount_total == Decimal("79.85")

    boleta = Receipt.objects.get(order=order, kind=ReceiptKind.BOLETA)
    assert boleta.discount_total == Decimal("79.85")
    xml = etree.fromstring(boleta.xml.encode())
    allowances = [
        Decimal(a.findtext(f"{{{CBC}}}Amount")) for a in xml.iterfind(f"{{{CAC}}}InvoiceLine/{{{CAC}}}AllowanceCharge")
    ]
    # the allowances are without IGV: 59.90 / 1.18 and 19.95 / 1.18
    assert sorted(allowances) == [Decimal("16.91"), Decimal("50.76")]
    judge_all([boleta], certificate)

    # returns: one unit of the 3x2 gives back its share (a third of 119.80), never 59.90; all three the 119.80
    per_unit = _paid_per_unit(order)
    one = per_unit[lines[polo.pk].pk]
    assert (one * 3).quantize(Decimal("0.01")) == Decimal("119.80")
    assert one.quantize(Decimal("0.01")) == Decimal("39.93") == lines[polo.pk].unit_paid


@pytest.mark.parametrize(
    ("document_type", "document", "kind"),
    [("dni", BUYER_DNI, ReceiptKind.BOLETA), ("ruc", BUYER_RUC, ReceiptKind.FACTURA)],
)
def test_a_gift_given_free_is_sent_to_sunat_as_a_free_transfer(
    client, shop, certificate, document_type, document, kind, django_capture_on_commit_callbacks
):
    """A line that costs the shopper nothing (the gift of a "lleva 2, te regalamos…") has no IGV
    base SUNAT accepts as a sale (error 3105): it is a bonificación, tax 9996 (GRA) with its
    referential value (price type 02), outside the taxed total; the boleta still adds up."""
    order, lines, cojin, _silla = _gift_order(
        shop, django_capture_on_commit_callbacks, document_type=document_type, document=document
    )
    customer, gift = order.customer, lines[cojin.pk]

    boleta = Receipt.objects.get(order=order, kind=kind)
    xml = etree.fromstring(boleta.xml.encode())
    free_line = [
        line
        for line in xml.iterfind(f"{{{CAC}}}InvoiceLine")
        if line.findtext(f"{{{CAC}}}TaxTotal/{{{CAC}}}TaxSubtotal/{{{CAC}}}TaxCategory/{{{CAC}}}TaxScheme/{{{CBC}}}ID")
        == "9996"
    ]
    assert len(free_line) == 1
    assert (
        free_line[0].findtext(f"{{{CAC}}}PricingReference/{{{CAC}}}AlternativeConditionPrice/{{{CBC}}}PriceTypeCode")
        == "02"
    )
    assert Decimal(free_line[0].findtext(f"{{{CAC}}}Price/{{{CBC}}}PriceAmount")) == 0
    assert boleta.total == order.total and boleta.discount_total == Decimal("0.00")  # a gift is no discount
    client.force_login(customer)
    page = client.get(reverse("receipts:detail", args=[order.number, boleta.pk])).content.decode()
    assert "Gratis" in page and "valor referencial S/ 29.66" in page and "Operaciones gratuitas (valor)" in page
    assert receipt_pdf(boleta).startswith(b"%PDF")
    # The whole order given back: the nota de crédito credits what was paid; the gift's line, worth
    # nothing to the buyer, is not in it.
    note = credit_note_issue(receipt=boleta, amount=boleta.total, reason_code=CreditReason.TOTAL_RETURN)
    assert note.total == order.total and not note.lines.filter(order_line=gift).exists()
    judge_all([boleta, note], certificate)


def _gift_order(shop, django_capture_on_commit_callbacks, *, document_type="dni", document=BUYER_DNI):
    """A paid order of two chairs that earn a cushion: the cart adds the cushion by itself."""
    method, variant = shop
    customer = UserFactory(email="rosa@example.pe")
    silla, cojin = variant("200.00"), variant("35.00")
    quantity_offer_create(
        name="Cojín de regalo",
        kind=QuantityOffer.Kind.BUY_X_GET_GIFT,
        buy_quantity=2,
        gift_variant=cojin,
        scope=Scope.PRODUCTS,
        products=[silla.product],
    )
    with django_capture_on_commit_callbacks(execute=True):
        order = checkout_order(
            customer=customer,
            variants=[(silla, 2)],
            method=method,
            document_type=document_type,
            document=document,
            key="gift",
        )
        pay(order)
    order.refresh_from_db()
    lines = {line.variant_id: line for line in order.lines.all()}
    gift = lines[cojin.pk]
    assert (gift.quantity, gift.offer_discount, gift.line_total) == (1, Decimal("35.00"), Decimal("0.00"))
    assert gift.offer_discount_name == "Cojín de regalo" and lines[silla.pk].line_total == Decimal("400.00")
    assert order.discount_total == Decimal("35.00")
    return order, lines, cojin, silla


def test_a_gift_is_an_order_line_all_discount_and_its_return_gives_back_nothing(
    shop, django_capture_on_commit_callbacks
):
    """The gift the cart added by itself: an order line whose offer discount is its whole price;
    on the boleta a free transfer (see the test above); its return gives back nothing."""
    order, lines, cojin, silla = _gift_order(shop, django_capture_on_commit_callbacks)
    gift = lines[cojin.pk]
    boleta = Receipt.objects.get(order=order, kind=ReceiptKind.BOLETA)
    assert boleta.discount_total == Decimal("0.00")  # a gift is a free transfer on the receipt, no discount
    receipt_gift = boleta.lines.get(sku=cojin.sku)
    assert (receipt_gift.discount, receipt_gift.total) == (Decimal("35.00"), Decimal("0.00"))
    per_unit = _paid_per_unit(order)
    assert per_unit[gift.pk] == 0 and per_unit[lines[silla.pk].pk] == Decimal("200.00")


def test_a_return_that_breaks_an_offer_credits_what_the_kept_units_no_longer_save(
    shop, certificate, django_capture_on_commit_callbacks
):
    """Checkout keeps the offer's terms on the order line (an offer edited later changes nothing);
    the 3x2's free unit returned gives back nothing (no note), and one cap of four in a "2do al
    50 %" gives back 50.00 of its 75.00: its nota de crédito says why and passes SUNAT's checks."""
    from promotions.models import QuantityOffer as Offer
    from returns.services import return_resolve
    from tests.factories import WarehouseFactory, deliver, received_return

    method, variant = shop
    customer, staff = UserFactory(email="rosa@example.pe"), UserFactory(is_staff=True, is_superuser=True)
    polo, gorra = variant("59.90"), variant("100.00")
    three_for_two = quantity_offer_create(
        name="3x2 Polos",
        kind=QuantityOffer.Kind.BUY_N_PAY_M,
        buy_quantity=3,
        pay_quantity=2,
        scope=Scope.PRODUCTS,
        products=[polo.product],
    )
    quantity_offer_create(
        name="2do al 50 %",
        kind=QuantityOffer.Kind.NTH_UNIT_PERCENT,
        buy_quantity=2,
        percent=Decimal("50"),
        scope=Scope.PRODUCTS,
        products=[gorra.product],
    )
    with django_capture_on_commit_callbacks(execute=True):
        order = checkout_order(
            customer=customer,
            variants=[(polo, 3), (gorra, 4)],
            method=method,
            document_type="dni",
            document=BUYER_DNI,
            key="qo-return",
        )
        pay(order)
    order = deliver(order)
    lines = {line.variant_id: line for line in order.lines.all()}
    assert lines[polo.pk].offer_terms == {
        "offer": three_for_two.pk,
        "kind": "buy_n_pay_m",
        "buy": 3,
        "pay": 2,
        "percent": "0.00",
    }
    Offer.objects.filter(pk=three_for_two.pk).update(buy_quantity=2, pay_quantity=1)  # staff change it later
    warehouse = WarehouseFactory()

    with django_capture_on_commit_callbacks(execute=True):
        free_unit = return_resolve(request=received_return(order, staff, warehouse, units={polo.sku: 1}), actor=staff)
    assert free_unit.resolved_amount == Decimal("0.00")
    assert not Receipt.objects.filter(order=order, kind=ReceiptKind.CREDIT_NOTE).exists()

    with django_capture_on_commit_callbacks(execute=True):
        cap = return_resolve(request=received_return(order, staff, warehouse, units={gorra.sku: 1}), actor=staff)
    assert cap.resolved_amount == Decimal("50.00")
    note = Receipt.objects.get(order=order, kind=ReceiptKind.CREDIT_NOTE)
    assert note.total == Decimal("50.00")
    assert "sin la oferta 2do al 50 %: −S/ 25.00" in note.reason
    judge_all([note], certificate)


def test_returning_a_unit_that_earned_the_gift_charges_the_gift_kept(shop, django_capture_on_commit_callbacks):
    """Two chairs earn a cushion: the three lines keep the offer; one chair returned while the
    cushion is kept gives back its 200.00 minus the cushion's 35.00 it no longer earns; the cushion
    alone gives back nothing, and everything back gives back what was paid."""
    from returns.services import return_quote_preview
    from tests.factories import deliver

    order, lines, cojin, silla = _gift_order(shop, django_capture_on_commit_callbacks)
    assert lines[silla.pk].offer_terms["kind"] == "buy_x_get_gift" and lines[cojin.pk].offer_terms["offer"]
    order = deliver(order)
    chair, cushion = lines[silla.pk].pk, lines[cojin.pk].pk
    one_chair = return_quote_preview(order=order, units={chair: 1})
    assert one_chair.amount == Decimal("165.00") and one_chair.offers_lost == [("Cojín de regalo", Decimal("35.00"))]
    assert return_quote_preview(order=order, units={cushion: 1}).amount == Decimal("0.00")
    assert return_quote_preview(order=order, units={chair: 2, cushion: 1}).amount == order.total
