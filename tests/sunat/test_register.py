"""The Registro de Ventas e Ingresos in SIRE's format for replacing its proposal (R.S. 112-2021/SUNAT,
Anexo 3, as amended by R.S. 138-2023/SUNAT): every document of the month once, in Lima's month,
with its buyer and amounts; notas with the document they modify; totals equal to the receipts'
sums; what SUNAT rejected left out, what was voided recorded in zero; the command and the
admin's download."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
import responses
from constance.test import override_config
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.urls import reverse

from demo.fake_sunat import send_bill_answer
from receipts.models import Receipt, ReceiptKind, SendStatus
from receipts.services import credit_note_issue, debit_note_issue, receipt_issue_for_order, receipt_send
from sunat import services
from sunat.register import Period, PeriodError, RegisterError, register_file, register_receipts
from sunat.selectors import lima_today
from tests.factories import BUYER_DNI, BUYER_RUC, UserFactory, pay
from tests.factories import make_priced_order as make_order

pytestmark = pytest.mark.django_db
SUNAT_URL = "https://e-beta.sunat.gob.pe/ol-ti-itcpfegem-beta/billService"  # as the sunat_service fixture sets it


def records(register) -> list[list[str]]:
    """Each record's 33 fields (1-indexed by the annex: fields[0] is field 1)."""
    assert register.text == "" or register.text.endswith("\r\n")
    lines = register.text.split("\r\n")[:-1]
    assert all(line.endswith("|") and "\n" not in line for line in lines)
    return [line[:-1].split("|") for line in lines]


def field(record: list[str], number: int) -> str:
    return record[number - 1]


def issued(*, document_type: str = "dni", prices=("199.90",), **extra) -> Receipt:
    document = {"dni": BUYER_DNI, "ruc": BUYER_RUC}.get(document_type, "")
    order = make_order(document_type=document_type, document=document, prices=prices, **extra)
    pay(order)
    return receipt_issue_for_order(order_id=order.pk)


def moved_to(receipt: Receipt, day) -> Receipt:
    """The receipt as if issued on `day` (Lima)."""
    shift = day - receipt.issue_date
    Receipt.objects.filter(pk=receipt.pk).update(issue_date=day, issued_at=receipt.issued_at + shift)
    receipt.refresh_from_db()
    return receipt


def this_month() -> Period:
    return Period.of(lima_today())


def test_one_record_per_document_with_the_annex_fields():
    boleta = issued(prices=("118.00",), shipping="0.00")
    factura = issued(document_type="ruc", prices=("59.90", "20.00"))
    anonymous = issued(document_type="", prices=("10.00",), shipping="0.00")

    register = register_file(this_month())

    period = this_month().code
    assert register.name == f"LE20601234565{period}00140400021112.txt"
    rows = records(register)
    assert [len(row) for row in rows] == [33, 33, 33]
    by_number = {(field(row, 7), field(row, 8), field(row, 9)): row for row in rows}
    assert set(by_number) == {
        ("03", "B001", str(boleta.number)),
        ("01", "F001", str(factura.number)),
        ("03", "B001", str(anonymous.number)),
    }
    row = by_number[("03", "B001", str(boleta.number))]
    assert field(row, 1) == "20601234565" and field(row, 2) == "KALLPA STORE S.A.C." and field(row, 3) == period
    assert field(row, 4) == "" and field(row, 6) == "" and field(row, 10) == ""  # CAR: SUNAT's
    assert field(row, 5) == boleta.issue_date.strftime("%d/%m/%Y")
    assert (field(row, 11), field(row, 12)) == ("1", BUYER_DNI)
    assert (field(row, 15), field(row, 17), field(row, 26)) == ("100.00", "18.00", "118.00")
    assert field(row, 14) == field(row, 16) == field(row, 18) == field(row, 24) == "0.00"
    assert field(row, 27) == "PEN" and field(row, 28) == ""
    assert [field(row, n) for n in (29, 30, 31, 32, 33)] == ["", "", "", "", ""]
    company = by_number[("01", "F001", str(factura.number))]
    assert (field(company, 11), field(company, 12), field(company, 13)) == ("6", BUYER_RUC, "Comercial Andina S.A.C.")
    assert Decimal(field(company, 26)) == factura.total
    # A boleta without the buyer's document says so as the document does.
    nobody = by_number[("03", "B001", str(anonymous.number))]
    assert (field(nobody, 11), field(nobody, 12)) == ("-", "-")


def test_notas_carry_the_document_they_modify_credit_negative_debit_positive():
    boleta = issued(prices=("199.90",))
    credit = credit_note_issue(receipt=boleta, amount="50.00", reason_code="09", reason="Ajuste de precio")
    debit = debit_note_issue(
        original_id=boleta.pk, amount="11.80", reason_code="02", reason="Flete cobrado después", actor=None
    )

    rows = {field(row, 7): row for row in records(register_file(this_month()))}

    credit_row, debit_row = rows["07"], rows["08"]
    reference = [boleta.issue_date.strftime("%d/%m/%Y"), "03", "B001", str(boleta.number)]
    assert [field(credit_row, n) for n in (29, 30, 31, 32)] == reference
    assert [field(debit_row, n) for n in (29, 30, 31, 32)] == reference
    assert (field(credit_row, 8), field(debit_row, 8)) == ("BC01", "BD01")
    assert (
        Decimal(field(credit_row, 15)) == -credit.taxable_total and Decimal(field(credit_row, 17)) == -credit.igv_total
    )
    assert field(credit_row, 26) == "-50.00" and field(credit_row, 16) == field(credit_row, 18) == "0.00"
    assert Decimal(field(debit_row, 26)) == debit.total == Decimal("11.80")
    assert Decimal(field(debit_row, 15)) + Decimal(field(debit_row, 17)) == Decimal("11.80")


def test_a_credit_note_on_an_earlier_months_document_goes_to_the_discount_columns():
    last_month_day = lima_today().replace(day=1) - timedelta(days=1)
    boleta = moved_to(issued(prices=("118.00",), shipping="0.00"), last_month_day)
    credit = credit_note_issue(receipt=boleta, amount="59.00", reason_code="09", reason="Ajuste de precio")

    [row] = records(register_file(this_month()))

    assert field(row, 7) == "07" and field(row, 29) == last_month_day.strftime("%d/%m/%Y")
    assert field(row, 15) == field(row, 17) == "0.00"
    assert (field(row, 16), field(row, 18), field(row, 26)) == ("-50.00", "-9.00", "-59.00")
    assert credit.total == Decimal("59.00")
    # The boleta itself is in last month's register, once.
    [earlier] = records(register_file(Period.of(last_month_day)))
    assert (field(earlier, 7), field(earlier, 9), field(earlier, 26)) == ("03", str(boleta.number), "118.00")


def test_the_registers_totals_equal_the_receipts_sums():
    first = issued(prices=("199.90", "35.50"), discounts=("10.00", "0.00"))
    second = issued(document_type="ruc", prices=("59.90",), quantities=(3,), order_discount="5.00")
    third = issued(document_type="", prices=("12.30",))
    credit_note_issue(receipt=first, amount="35.50", reason_code="07", reason="Devolución de un ítem")
    credit_note_issue(receipt=second, amount="20.00", reason_code="09", reason="Ajuste de precio")
    debit_note_issue(original_id=third.pk, amount="4.70", reason_code="03", reason="Penalidad", actor=None)

    register = register_file(this_month())
    rows = records(register)

    receipts = Receipt.objects.filter(issue_date__month=lima_today().month, issue_date__year=lima_today().year)
    sums = {
        kind: receipts.filter(kind=kind).aggregate(t=Sum("total"), b=Sum("taxable_total"), i=Sum("igv_total"))
        for kind in ReceiptKind.values
    }
    signed = {"01": 1, "03": 1, "08": 1, "07": -1}
    expected_total = sum((signed[kind] * (sums[kind]["t"] or 0) for kind in signed), Decimal("0"))
    expected_igv = sum((signed[kind] * (sums[kind]["i"] or 0) for kind in signed), Decimal("0"))
    assert len(rows) == receipts.count() == 6
    assert sum(Decimal(field(row, 26)) for row in rows) == expected_total
    assert sum(Decimal(field(row, 17)) + Decimal(field(row, 18)) for row in rows) == expected_igv
    for row in rows:  # each record adds up: base + IGV = total
        assert Decimal(field(row, 15)) + Decimal(field(row, 16)) + Decimal(field(row, 17)) + Decimal(
            field(row, 18)
        ) == Decimal(field(row, 26))
    assert (register.totals.documents, register.totals.total, register.totals.igv) == (6, expected_total, expected_igv)


def test_a_receipt_at_23_30_on_the_last_day_lima_time_is_in_that_month():
    order = make_order(document_type="dni", document=BUYER_DNI)
    pay(order)
    late_on_the_31st = datetime(2026, 11, 1, 4, 30, tzinfo=UTC)  # 23:30 on 31 October in Lima
    with mock.patch("receipts.services.timezone.now", return_value=late_on_the_31st):
        receipt = receipt_issue_for_order(order_id=order.pk)

    october, november = Period(2026, 10), Period(2026, 11)
    assert list(register_receipts(october)) == [receipt]
    assert list(register_receipts(november)) == []
    [row] = records(register_file(october))
    assert field(row, 3) == "202610" and field(row, 5) == "31/10/2026"
    assert records(register_file(november)) == []


def test_what_sunat_rejected_is_left_out_and_what_was_voided_is_recorded_in_zero(by_summary, issue_paid):
    rejected = issue_paid(days_ago=0)
    Receipt.objects.filter(pk=rejected.pk).update(send_status=SendStatus.REJECTED, cdr_code="2017")
    voided = issue_paid(days_ago=0)
    kept = issue_paid(days_ago=0, prices=("59.90",))
    services.receipt_void(receipt_id=voided.pk, reason="Pedido duplicado por error")

    rows = {field(row, 9): row for row in records(register_file(this_month()))}

    assert set(rows) == {str(voided.number), str(kept.number)}  # once each, the rejected one not at all
    zero = rows[str(voided.number)]
    assert [field(zero, n) for n in range(14, 27)] == ["0.00"] * 13
    assert Decimal(field(rows[str(kept.number)], 26)) == kept.total


def test_a_month_without_documents_is_an_empty_file_named_as_such():
    register = register_file(Period(2026, 2))
    assert register.text == "" and register.rows == []
    assert register.name == "LE20601234565202602001404000210" + "12.txt"


def test_texts_lose_the_characters_sire_refuses():
    receipt = issued(document_type="ruc", prices=("20.00",), legal_name="Andina | Import/Export \\ S.A.C.")
    [row] = records(register_file(this_month()))
    assert field(row, 13) == "Andina Import Export S.A.C." and receipt.buyer_name.startswith("Andina |")


@pytest.mark.parametrize("text", ["2026-13", "2026/11", "noviembre", "", "26-11", "1999-12"])
def test_a_period_is_a_month(text):
    with pytest.raises(PeriodError):
        Period.parse(text)


def test_a_period_reads_both_ways():
    assert Period.parse("2026-11") == Period.parse("202611") == Period(2026, 11)
    assert (Period(2026, 12).first_day.isoformat(), Period(2026, 12).last_day.isoformat()) == (
        "2026-12-01",
        "2026-12-31",
    )
    assert Period(2028, 2).last_day.day == 29


# --- the command ---------------------------------------------------------------------------------


def test_the_command_prints_the_register_or_writes_its_file(tmp_path, capsys):
    boleta = issued(prices=("118.00",), shipping="0.00")
    period = this_month()
    call_command("sunat_register", "--period", str(period))
    printed = capsys.readouterr().out
    assert printed == register_file(period).text and f"|B001|{boleta.number}|" in printed

    call_command("sunat_register", "--period", period.code, "--out", str(tmp_path))
    written = tmp_path / register_file(period).name
    assert written.read_bytes() == register_file(period).content
    assert str(written) in capsys.readouterr().out


@pytest.mark.parametrize("period", ["2026-00", "11-2026", "mañana"])
def test_the_command_refuses_a_period_that_is_not_a_month(period):
    with pytest.raises(CommandError, match="AAAA-MM"):
        call_command("sunat_register", "--period", period)


def test_the_command_says_when_it_cannot_write(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(CommandError, match="No se puede escribir"):
        call_command("sunat_register", "--period", "2026-10", "--out", str(blocker))


# --- the admin -----------------------------------------------------------------------------------


def test_staff_download_the_months_register_from_the_admin(client):
    issued(prices=("118.00",), shipping="0.00")
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    url = reverse("admin:sunat_register")

    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "Registro de ventas (SIRE)" in html
    assert "Periodo" in html and "Descargar" in html and "Trámites SUNAT" in html
    assert not any(english in html for english in ("Sales register", "Download", "The month", "SUNAT paperwork"))
    summaries = client.get(reverse("admin:sunat_summary_changelist")).content.decode()
    assert f'href="{url}"' in summaries  # the summaries' list links to it

    period = this_month()
    download = client.get(url, {"period": str(period)})
    assert download.status_code == 200
    expected = register_file(period)
    assert download["Content-Disposition"] == f'attachment; filename="{expected.name}"'
    assert download.content == expected.content


@pytest.mark.parametrize("period", ["2026-13", "x", "2026-1"])
def test_the_admin_refuses_a_period_that_is_not_a_month(client, period):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:sunat_register"), {"period": period})
    assert page.status_code == 400 and "AAAA-MM" in page.content.decode()


def test_only_staff_who_may_see_receipts_download_it(client):
    url = reverse("admin:sunat_register")
    assert client.get(url).status_code == 302  # to the admin's sign-in
    client.force_login(UserFactory(is_staff=True))  # staff without the receipts' view permission
    assert client.get(url, {"period": "2026-10"}).status_code == 403


def test_no_register_without_a_valid_store_ruc(client, tmp_path):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with override_config(RECEIPTS_ISSUER_RUC="20601234560"):  # a wrong check digit
        with pytest.raises(RegisterError, match="RUC"):
            register_file(Period(2026, 10))
        with pytest.raises(CommandError, match="RUC"):
            call_command("sunat_register", "--period", "2026-10")
        page = client.get(reverse("admin:sunat_register"), {"period": "2026-10"})
        assert page.status_code == 400 and "El RUC de la tienda" in page.content.decode()
        with pytest.raises(CommandError, match="RUC"):
            call_command("sunat_export", "--from", "2026-10-01", "--to", "2026-10-31", "--out", str(tmp_path / "x"))
    assert list(tmp_path.iterdir()) == []  # nothing half-written


@responses.activate
def test_a_factura_voided_by_a_comunicacion_de_baja_is_recorded_in_zero(sunat_service, issue_paid):
    factura = issue_paid(factura=True, days_ago=0)
    responses.post(SUNAT_URL, body=send_bill_answer(factura.file_name))
    assert receipt_send(receipt_id=factura.pk).send_status == SendStatus.ACCEPTED
    baja = services.receipt_void(receipt_id=factura.pk, reason="Error en el RUC del cliente")
    assert baja.kind == "RA"

    [row] = records(register_file(this_month()))

    assert (field(row, 7), field(row, 9)) == ("01", str(factura.number))
    assert [field(row, n) for n in range(14, 27)] == ["0.00"] * 13


def test_the_register_reads_a_month_in_the_same_few_queries_however_many_documents(django_assert_num_queries):
    issued(prices=("118.00",))
    period = this_month()
    register_file(period)  # the site settings read once, as every later call finds them
    with django_assert_num_queries(2):
        assert len(register_file(period).rows) == 1
    boleta = issued(prices=("59.90", "20.00"))
    credit_note_issue(receipt=boleta, amount="20.00", reason_code="09", reason="Ajuste de precio")
    issued(document_type="ruc", prices=("35.00",))
    register_file(period)
    with django_assert_num_queries(2):
        assert len(register_file(period).rows) == 4
