"""The back office speaks Peruvian Spanish and writes numbers one way: the apps' names, the site
settings page (django-constance), the history pages (django-simple-history), import and export
(django-import-export), permissions, and 4,348.54 rather than 4348,54; the support phone is
shown beside the support address."""

from decimal import Decimal

import pytest
from constance import config
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.utils import formats, translation

from core.contact import phone_href
from tests.factories import ProductFactory, UserFactory, csv_file, preview
from tests.harness import warm_site_settings

pytestmark = pytest.mark.django_db
PRODUCTS = "/admin/catalog/product/"


@pytest.fixture
def superuser(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_numbers_are_written_as_in_peru():
    with translation.override("es-pe"):
        assert formats.number_format(Decimal("4348.54"), 2) == "4348.54"
        assert formats.number_format(Decimal("4348.54"), 2, force_grouping=True) == "4,348.54"
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"  # the rest is Django's "es"


def test_app_names_and_the_site_settings_page_are_spanish(client, superuser):
    index = client.get("/admin/").content.decode()
    assert "Devoluciones" in index and ">Returns<" not in index and "Constance" not in index
    settings_page = client.get("/admin/constance/config/").content.decode()
    assert "Volver al valor predeterminado" in settings_page and "Reset to default" not in settings_page
    assert "Vendedores del marketplace" in settings_page


def test_the_history_page_is_spanish(client, superuser):
    product = ProductFactory(name="Chompa de alpaca")
    page = client.get(f"/admin/catalog/product/{product.pk}/history/").content.decode()
    assert "Historial: Chompa de alpaca" in page and "Creado" in page
    assert "View history" not in page and ">Created<" not in page


def test_permissions_are_named_in_spanish(client, superuser):
    group = Group.objects.create(name="prueba")
    form = client.get(f"/admin/auth/group/{group.pk}/change/").context["adminform"].form
    labels = [label for _value, label in form.fields["permissions"].choices]
    permission = Permission.objects.get(codename="add_returnrequest")
    assert "Devoluciones | Solicitud de devolución | Puede agregar solicitud de devolución" in labels, permission
    assert not [label for label in labels if "Can add" in label]
    assert any("aprobar reembolsos" in label.lower() for label in labels)  # the shop's own permission


def test_the_import_preview_shows_each_change_whole_without_style_attributes(client, world):
    client.force_login(world["admin"])
    page = preview(client, PRODUCTS, csv_file("slug,base_price\naudifonos,119.00\n"), resource="1")
    html = page.content.decode()
    assert "<del>100.00</del>" in html and "<ins>119.00</ins>" in html
    assert "style=" not in html.split('class="import-preview"', 1)[1]
    assert "Precio (IGV incluido) (base_price)" in html


def test_export_fields_are_named_in_spanish(client, world):
    client.force_login(world["admin"])
    page = client.get(f"{PRODUCTS}export/").content.decode()
    assert "Precio (IGV incluido) (base_price)" in page and "Base Price" not in page


def test_the_support_phone_is_shown_where_the_support_address_is(client):
    assert client.get("/").content.decode().count("tel:") == 0
    config.SUPPORT_PHONE = "(01) 640-9000"
    warm_site_settings()
    from core.site_settings import forget_site_settings

    forget_site_settings()
    page = client.get("/").content.decode()
    assert 'href="tel:+5116409000"' in page and "(01) 640-9000" in page


@pytest.mark.parametrize(
    ("number", "href"),
    [
        ("(01) 640-9000", "tel:+5116409000"),
        ("+51 987 654 321", "tel:+51987654321"),
        ("987654321", "tel:+51987654321"),
        ("", ""),
        ("llámanos", ""),
    ],
)
def test_phone_links(number, href):
    assert phone_href(number) == href


def test_order_emails_give_the_support_phone(settings):
    from orders.emails import deliver_order_email
    from orders.models import OrderEmail
    from tests.factories import make_order

    config.SUPPORT_PHONE = "(01) 640-9000"
    make_order()
    for email in OrderEmail.objects.all():
        deliver_order_email(email_id=email.pk)
    assert mail.outbox and "llámanos al (01) 640-9000" in mail.outbox[-1].body


def test_commands_print_spanish_with_plurals_and_keep_their_keys(world):
    import json
    from io import StringIO

    from django.core.management import call_command

    from orders.services import order_payment_record
    from tests.factories import line_for, make_order

    def run(*args) -> str:
        out = StringIO()
        call_command(*args, stdout=out)
        return out.getvalue()

    make_order(lines=[line_for(world["mine"])])
    assert "1 pedido pendiente de pago" in run("pending_payments")
    order_payment_record(order=make_order(lines=[line_for(world["mine"])]))
    table = run("sales_report")
    assert table.splitlines()[0].split()[:3] == ["Grupo", "Pedidos", "Unidades"]
    assert "1 fila · S/ 100.00" in table
    assert list(json.loads(run("sales_report", "--format", "json"))[0]) == ["key", "orders", "units", "sales"]
    assert run("sales_report", "--format", "csv").splitlines()[0] == "key,orders,units,sales"
    assert "1 vendedor · a pagar" in run("seller_payouts")
