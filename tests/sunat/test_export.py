"""`manage.py sunat_export`: every document issued in the span as it was sent (the receipts as
RUC-TT-SERIE-NUMERO.xml, the summaries as RUC-RC-/RUC-RA-YYYYMMDD-N.xml), byte for byte, its CDR
beside it as R-<name>.xml, the Registro de Ventas of each month touched; and its refusals, which
write nothing: malformed or reversed dates, a folder that is not empty, a place it cannot write."""

import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import responses
from django.core.management import CommandError, call_command

from demo.fake_sunat import send_bill_answer
from despatch.services import Transport, guia_issue_for_shipment
from inventory.models import Warehouse
from receipts import signing
from receipts.models import SendStatus
from receipts.services import receipt_send
from sunat import services
from sunat.models import SummaryStatus
from sunat.register import Period, periods_between, register_file
from sunat.selectors import lima_today
from tests.factories import BUYER_DNI, ProductFactory, VariantFactory, WarehouseFactory, line_for, paid_order, stock

pytestmark = pytest.mark.django_db
SUNAT_URL = "https://e-beta.sunat.gob.pe/ol-ti-itcpfegem-beta/billService"  # as the sunat_service fixture sets it
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def answered(by_summary, sunat_service, issue_paid, sunat_answers):
    """Yesterday's boleta reported in today's resumen diario (accepted, its CDR kept), a factura
    sent and accepted (its CDR kept), and a factura not sent yet (no CDR)."""
    boleta = issue_paid()
    summary = services.daily_summary_build(reference_date=boleta.issue_date)
    with responses.RequestsMock() as sunat:
        sunat.post(SUNAT_URL, body=sunat_answers.ticket("1502889024345"))
        services.summary_send(summary_id=summary.pk)
        sunat.replace(responses.POST, SUNAT_URL, body=sunat_answers.status("0", summary.file_name))
        summary = services.summary_poll(summary_id=summary.pk)
        factura = issue_paid(factura=True, days_ago=0)
        sunat.replace(responses.POST, SUNAT_URL, body=send_bill_answer(factura.file_name))
        factura = receipt_send(receipt_id=factura.pk)
    unsent = issue_paid(factura=True, days_ago=0, prices=("35.00",))
    boleta.refresh_from_db()
    assert summary.status == SummaryStatus.ACCEPTED and factura.send_status == SendStatus.ACCEPTED
    assert boleta.cdr_xml == "" and unsent.cdr_xml == ""  # the boleta's answer is its summary's
    return boleta, summary, factura, unsent


def test_every_document_is_written_as_stored_with_its_cdr_beside(answered, sunat_service, tmp_path):
    boleta, summary, factura, unsent = answered
    out = tmp_path / "auditoria"
    since = boleta.issue_date

    call_command("sunat_export", "--from", since.isoformat(), "--to", lima_today().isoformat(), "--out", str(out))

    registers = {register_file(period).name for period in {Period.of(since), Period.of(lima_today())}}
    expected = {
        f"20601234565-03-B001-{boleta.number}.xml",
        f"20601234565-RC-{summary.issue_date:%Y%m%d}-1.xml",
        f"R-20601234565-RC-{summary.issue_date:%Y%m%d}-1.xml",
        f"20601234565-01-F001-{factura.number}.xml",
        f"R-20601234565-01-F001-{factura.number}.xml",
        f"20601234565-01-F001-{unsent.number}.xml",
        *registers,
    }
    assert {path.name for path in out.iterdir()} == expected
    for receipt in (boleta, factura, unsent):
        receipt.refresh_from_db()
        assert (out / f"{receipt.file_name}.xml").read_bytes() == receipt.xml.encode("utf-8")
    assert (out / f"R-{factura.file_name}.xml").read_bytes() == factura.cdr_xml.encode("utf-8")
    summary.refresh_from_db()
    assert (out / f"{summary.file_name}.xml").read_bytes() == summary.xml.encode("utf-8")
    assert (out / f"R-{summary.file_name}.xml").read_bytes() == summary.cdr_xml.encode("utf-8")
    # As sent: each signature still checks on the file.
    for name in (boleta.file_name, factura.file_name, summary.file_name):
        signing.xml_verify((out / f"{name}.xml").read_bytes(), cert_pem=sunat_service.read_bytes())
    # The month's register is the one the admin downloads.
    this_month = register_file(Period.of(lima_today()))
    assert (out / this_month.name).read_bytes() == this_month.content


def test_only_the_span_is_written(answered, tmp_path):
    boleta, summary, factura, unsent = answered
    out = tmp_path / "ayer"
    call_command(
        "sunat_export",
        "--from",
        boleta.issue_date.isoformat(),
        "--to",
        boleta.issue_date.isoformat(),
        "--out",
        str(out),
    )
    names = {path.name for path in out.iterdir()}
    assert f"{boleta.file_name}.xml" in names
    assert not any(factura.file_name in name or summary.file_name in name for name in names)


def test_a_span_over_two_months_writes_both_registers_and_says_there_was_nothing(tmp_path, capsys):
    out = tmp_path / "vacio"
    call_command("sunat_export", "--from", "2026-10-15", "--to", "2026-11-10", "--out", str(out))
    assert sorted(path.name for path in out.iterdir()) == [
        "LE2060123456520261000140400021012.txt",
        "LE2060123456520261100140400021012.txt",
    ]
    assert all(path.read_bytes() == b"" for path in out.iterdir())
    assert "No se emitió ningún comprobante del 2026-10-15 al 2026-11-10" in capsys.readouterr().out


def test_an_existing_empty_folder_takes_the_export(issue_paid, tmp_path):
    receipt = issue_paid(days_ago=0)
    out = tmp_path / "vacia"
    out.mkdir()
    day = receipt.issue_date.isoformat()
    call_command("sunat_export", "--from", day, "--to", day, "--out", str(out))
    assert (out / f"{receipt.file_name}.xml").read_bytes() == receipt.xml.encode("utf-8")
    assert [path.name for path in tmp_path.iterdir()] == ["vacia"]  # no scratch folder left behind


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        ("2026-13-01", "2026-11-30", "--from debe ser un día como AAAA-MM-DD"),
        ("2026-11-01", "30/11/2026", "--to debe ser un día como AAAA-MM-DD"),
        ("ayer", "2026-11-30", "--from debe ser un día"),
        ("1999-12-31", "2026-11-30", "entre 2000-01-01 y 2099-12-31"),
        ("2026-11-30", "2026-11-01", "--from (2026-11-30) es posterior a --to (2026-11-01)"),
    ],
)
def test_bad_dates_are_refused_and_nothing_is_written(tmp_path, since, until, message):
    out = tmp_path / "salida"
    with pytest.raises(CommandError) as refused:
        call_command("sunat_export", "--from", since, "--to", until, "--out", str(out))
    assert message in str(refused.value)
    assert not out.exists()


def test_a_folder_with_files_is_refused_and_left_as_it_was(issue_paid, tmp_path):
    receipt = issue_paid(days_ago=0)
    out = tmp_path / "ocupada"
    out.mkdir()
    (out / "notas.txt").write_text("mías")
    day = receipt.issue_date.isoformat()
    with pytest.raises(CommandError, match="no está vacía"):
        call_command("sunat_export", "--from", day, "--to", day, "--out", str(out))
    assert [path.name for path in out.iterdir()] == ["notas.txt"] and (out / "notas.txt").read_text() == "mías"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["ocupada"]


def test_a_file_or_a_place_it_cannot_write_is_refused(tmp_path):
    a_file = tmp_path / "archivo"
    a_file.write_text("x")
    with pytest.raises(CommandError, match="es un archivo, no una carpeta"):
        call_command("sunat_export", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(a_file))
    with pytest.raises(CommandError, match="No se puede escribir en"):
        call_command("sunat_export", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(a_file / "dentro"))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["archivo"]


def test_the_three_options_are_required():
    with pytest.raises(CommandError, match="--out"):
        call_command("sunat_export", "--from", "2026-11-01", "--to", "2026-11-30")


def test_the_exit_code_is_1_on_bad_input_as_for_the_other_commands(tmp_path):
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "sunat_export",
            "--from",
            "2026-11-31",
            "--to",
            "2026-12-01",
            "--out",
            str(tmp_path / "x"),
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and "--from" in done.stderr and "2026-11-31" in done.stderr
    assert not (tmp_path / "x").exists()


def test_the_months_a_span_touches():
    assert periods_between(date(2026, 12, 31), date(2027, 1, 1)) == [Period(2026, 12), Period(2027, 1)]
    assert periods_between(date(2026, 11, 3), date(2026, 11, 3)) == [Period(2026, 11)]
    assert len(periods_between(date(2026, 1, 31), date(2026, 12, 1))) == 12


def test_the_guias_de_remision_are_written_with_their_answer(tmp_path):
    central = WarehouseFactory(
        code="LIM-CENTRAL",
        kind=Warehouse.Kind.OWN,
        ubigeo="150131",
        address="Av. Javier Prado Este 1234, San Isidro, Lima",
        establishment_code="0000",
    )
    variant = VariantFactory(product=ProductFactory(base_price=Decimal("199.90"), weight_kg=Decimal("0.850")))
    stock(variant, central, 10)
    order = paid_order(lines=[line_for(variant, quantity=2)])
    order.customer_document, order.customer_document_type = BUYER_DNI, "dni"
    order.save(update_fields=["customer_document", "customer_document_type"])
    carrier = Transport(
        mode="01", carrier_ruc="20100686814", carrier_name="OLVA COURIER S.A.C.", carrier_mtc="1503351CNG"
    )
    guia = guia_issue_for_shipment(shipment_id=order.shipments.get().pk, transport=carrier)
    out = tmp_path / "guias"
    day = guia.issue_date.isoformat()

    call_command("sunat_export", "--from", day, "--to", day, "--out", str(out))

    assert guia.file_name == f"20601234565-09-{guia.series}-{guia.number}"
    assert (out / f"{guia.file_name}.xml").read_bytes() == guia.xml.encode("utf-8")
    assert not (out / f"R-{guia.file_name}.xml").exists()  # SUNAT has not answered it yet
