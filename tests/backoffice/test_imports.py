"""CSV/XLSX import and export in the admin: a dry-run preview, errors named per row, a file with a
bad row imports nothing, prices land in the price history, counts go through the stock ledger, and
a seller touches only their own rows."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from catalog.models import PriceHistory, Product, Variant
from inventory.models import Movement, StockLevel
from inventory.services import stock_reserve
from tests.factories import BrandFactory, CategoryFactory, UserFactory, csv_file, preview

pytestmark = pytest.mark.django_db
PRODUCTS, VARIANTS, LEVELS = "/admin/catalog/product/", "/admin/catalog/variant/", "/admin/inventory/stocklevel/"
CSV, XLSX = "0", "1"


def bad_rows(response) -> list[int]:
    """The file's row numbers the preview refuses (invalid values or errors while saving)."""
    result = response.context["result"]
    return sorted({row.number for row in result.invalid_rows} | {number for number, _ in result.row_errors()})


def confirm(client, url: str, response):
    form = response.context["confirm_form"]
    return client.post(f"{url}process_import/", {**form.initial}, follow=True)


def test_a_price_list_previews_then_imports_into_the_price_history(client, world):
    client.force_login(world["admin"])
    page = preview(client, PRODUCTS, csv_file("slug,base_price\naudifonos,89.90\nparlante,200.00\n"), resource="1")
    assert page.status_code == 200 and page.context["confirm_form"] is not None
    assert Product.objects.get(slug="audifonos").base_price == Decimal("100.00")  # the preview changed nothing
    assert not PriceHistory.objects.filter(price=Decimal("89.90")).exists()

    done = confirm(client, PRODUCTS, page)
    assert done.status_code == 200
    assert Product.objects.get(slug="audifonos").base_price == Decimal("89.90")
    history = PriceHistory.objects.get(variant=world["mine"], price=Decimal("89.90"))
    assert history.previous_price == Decimal("100.00") and history.changed_by == world["admin"]


def test_a_file_with_a_bad_row_imports_nothing_and_names_the_row(client, world):
    client.force_login(world["admin"])
    page = preview(client, PRODUCTS, csv_file("slug,base_price\naudifonos,89.90\nparlante,caro\n"), resource="1")
    assert page.context.get("confirm_form") is None
    assert bad_rows(page) == [2]
    page_text = page.content.decode()
    assert "caro" in page_text and "ConversionSyntax" not in page_text
    assert Product.objects.get(slug="audifonos").base_price == Decimal("100.00")


def test_a_confirmed_file_that_went_bad_since_the_preview_imports_nothing(client, world):
    """The confirm step re-reads the stored file: swap it for one with a bad row."""
    client.force_login(world["admin"])
    page = preview(client, PRODUCTS, csv_file("slug,base_price\naudifonos,89.90\nparlante,150.00\n"), resource="1")
    form = page.context["confirm_form"]
    from django.conf import settings
    from django.utils.module_loading import import_string

    stored = import_string(settings.IMPORT_EXPORT_TMP_STORAGE_CLASS)(name=form.initial["import_file_name"])
    stored.remove()
    stored.save(b"slug,base_price\naudifonos,89.90\nnadie,1.00\n")
    done = client.post(f"{PRODUCTS}process_import/", {**form.initial}, follow=True)
    assert "Nothing was imported" in done.content.decode() or "No se importó nada" in done.content.decode()
    assert Product.objects.get(slug="audifonos").base_price == Decimal("100.00")


def test_new_products_and_variants(client, world):
    client.force_login(world["admin"])
    category, brand = CategoryFactory(slug="audio"), BrandFactory(slug="sony")
    page = preview(
        client,
        PRODUCTS,
        csv_file(
            "slug,name,base_sku,brand,category,seller,status,base_price,compare_at_price,warranty_months,description\n"
            "radio,Radio AM/FM,RAD,sony,audio,andes,active,59.90,,12,Radio portátil\n"
        ),
    )
    assert page.context["confirm_form"] is not None, page.context["result"].invalid_rows
    confirm(client, PRODUCTS, page)
    radio = Product.objects.get(slug="radio")
    assert (radio.category, radio.brand, radio.seller) == (category, brand, world["own"])
    page = preview(client, VARIANTS, csv_file("sku,product,price_modifier,is_active,order\nRAD-1,radio,5.00,1,0\n"))
    confirm(client, VARIANTS, page)
    variant = radio.variants.get(sku="RAD-1")
    assert PriceHistory.objects.get(variant=variant).price == Decimal("64.90")


def test_stock_counts_go_through_the_ledger(client, world):
    client.force_login(world["admin"])
    page = preview(
        client, LEVELS, csv_file("sku,warehouse,on_hand,minimum,maximum,bin_location\nAUD-1,ANDES-1,25,3,,A-01\n")
    )
    assert page.context["confirm_form"] is not None
    assert StockLevel.objects.get(variant=world["mine"]).on_hand == 10  # preview: nothing moved
    assert not Movement.objects.filter(kind=Movement.Kind.ADJUSTMENT).exists()
    confirm(client, LEVELS, page)
    level = StockLevel.objects.get(variant=world["mine"])
    assert (level.on_hand, level.minimum, level.bin_location) == (25, 3, "A-01")
    adjustment = Movement.objects.get(stock_level=level, kind=Movement.Kind.ADJUSTMENT)
    assert adjustment.quantity == 15 and adjustment.actor == world["admin"]
    assert level.on_hand == sum(level.movements.values_list("quantity", flat=True))


def test_a_count_below_the_reserved_units_is_a_row_error(client, world):
    stock_reserve(lines=[(world["mine"].pk, 4)], cart_key="carrito-1")
    client.force_login(world["admin"])
    page = preview(client, LEVELS, csv_file("sku,warehouse,on_hand\nAUD-1,ANDES-1,2\n"))
    assert page.context.get("confirm_form") is None
    assert bad_rows(page) == [1]
    assert StockLevel.objects.get(variant=world["mine"]).on_hand == 10


def test_xlsx_import_and_export(client, world):
    client.force_login(world["admin"])
    book = Workbook()
    sheet = book.active
    sheet.append(["slug", "base_price"])
    sheet.append(["audifonos", 95.5])
    upload = io.BytesIO()
    book.save(upload)
    upload.seek(0)
    upload.name = "precios.xlsx"
    page = preview(client, PRODUCTS, upload, resource="1", fmt=XLSX)
    confirm(client, PRODUCTS, page)
    assert Product.objects.get(slug="audifonos").base_price == Decimal("95.50")
    response = client.post(
        f"{PRODUCTS}export/",
        {"format": XLSX, "resource": "1", "productpriceresource_slug": "on", "productpriceresource_base_price": "on"},
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:2] == ("slug", "base_price") and ("audifonos", 95.5) in [row[:2] for row in rows]


def test_the_import_and_export_pages_need_no_inline_script(client, world):
    """CSP: the pages render, and the export form's "select all" is wired by a static script."""
    client.force_login(world["admin"])
    for url in (f"{PRODUCTS}import/", f"{PRODUCTS}export/", f"{LEVELS}import/", f"{LEVELS}export/"):
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert " onchange=" not in html and " style=" not in html
    assert "js/import-export-admin" in client.get(f"{VARIANTS}export/").content.decode()


def test_a_seller_exports_only_their_own_rows(client, world):
    client.force_login(world["own"].user)
    response = client.post(
        f"{VARIANTS}export/",
        {"format": CSV, "resource": "0", "variantresource_sku": "on", "variantresource_product": "on"},
    )
    assert response.status_code == 200
    assert response.content.decode().splitlines() == ["sku,product", "AUD-1,audifonos"]


def test_a_seller_cannot_import_another_sellers_rows(client, world):
    """IDOR: seller A's file naming seller B's product, SKU or warehouse changes nothing."""
    client.force_login(world["own"].user)
    page = preview(client, PRODUCTS, csv_file("slug,base_price\naudifonos,90.00\nparlante,1.00\n"), resource="1")
    assert page.context.get("confirm_form") is None
    assert bad_rows(page) == [2]
    page = preview(client, VARIANTS, csv_file("sku,product,price_modifier\nMIO-2,parlante,0\n"))
    assert page.context.get("confirm_form") is None
    page = preview(client, VARIANTS, csv_file("sku,product,price_modifier\nPAR-1,audifonos,0\n"))
    assert page.context.get("confirm_form") is None
    assert Product.objects.get(slug="parlante").base_price == Decimal("200.00")
    assert not Variant.objects.filter(sku="MIO-2").exists()
    assert Variant.objects.get(sku="PAR-1").product.slug == "parlante"


def test_a_sellers_new_product_is_theirs_whatever_the_file_says(client, world):
    CategoryFactory(slug="audio"), BrandFactory(slug="sony")
    client.force_login(world["own"].user)
    page = preview(
        client,
        PRODUCTS,
        csv_file(
            "slug,name,base_sku,brand,category,seller,status,base_price\n"
            "radio,Radio,RAD,sony,audio,pacifico,active,59.90\n"
        ),
    )
    assert page.context.get("confirm_form") is None  # another seller's name in the seller column is refused
    page = preview(
        client,
        PRODUCTS,
        csv_file("slug,name,base_sku,brand,category,status,base_price\nradio,Radio,RAD,sony,audio,active,59.90\n"),
    )
    confirm(client, PRODUCTS, page)
    assert Product.objects.get(slug="radio").seller == world["own"]


def test_support_cannot_import_prices(client, world):
    from accounts.roles import Role
    from accounts.services import user_add_role

    support = UserFactory(is_staff=True)
    user_add_role(user=support, role=Role.SUPPORT)
    client.force_login(support)
    response = preview(client, PRODUCTS, csv_file("slug,base_price\naudifonos,1.00\n"), resource="1")
    assert response.status_code == 403
    assert Product.objects.get(slug="audifonos").base_price == Decimal("100.00")
