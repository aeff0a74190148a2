import factory
from factory.django import DjangoModelFactory

from accounts import ubigeo
from accounts.models import Address, Seller, User

PASSWORD = "Kallpa-test-2026!"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"cliente{n}@example.pe")
    first_name = "Ana"
    last_name = "Torres"
    phone = "987654321"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class AddressFactory(DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    label = "Casa"
    recipient = "Ana Torres"
    phone = "987654321"
    street = factory.Sequence(lambda n: f"Jr. Junín {100 + n}")
    district = "Miraflores"
    province = "Lima"
    department = "15"
    # As a full_clean()ed row has it; "" for names that match no district (an old free-text row).
    ubigeo = factory.LazyAttribute(lambda o: getattr(ubigeo.resolve(o.department, o.province, o.district), "code", ""))
    postal_code = "15074"


class SellerFactory(DjangoModelFactory):
    class Meta:
        model = Seller

    user = factory.SubFactory(UserFactory)
    store_name = factory.Sequence(lambda n: f"Tienda {n}")
    slug = factory.Sequence(lambda n: f"tienda-{n}")
    ruc = "20100070970"


# --- catalog ---------------------------------------------------------------------------

import io  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image  # noqa: E402

from catalog.models import (  # noqa: E402
    Banner, Brand, Category, Collection, Family, Kit, KitItem, Option, OptionValue, Product, ProductImage,
    ProductLine, Variant,
)
from catalog.services import product_save, variant_save  # noqa: E402


def png_file(name: str = "p.png", color=(200, 80, 40)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class FamilyFactory(DjangoModelFactory):
    class Meta:
        model = Family

    name = factory.Sequence(lambda n: f"Familia {n}")
    slug = factory.Sequence(lambda n: f"familia-{n}")


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    family = factory.SubFactory(FamilyFactory)
    name = factory.Sequence(lambda n: f"Categoría {n}")
    slug = factory.Sequence(lambda n: f"categoria-{n}")


class BrandFactory(DjangoModelFactory):
    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"Marca {n}")
    slug = factory.Sequence(lambda n: f"marca-{n}")


class ProductLineFactory(DjangoModelFactory):
    class Meta:
        model = ProductLine

    name = factory.Sequence(lambda n: f"Línea {n}")
    slug = factory.Sequence(lambda n: f"linea-{n}")
    category = factory.SubFactory(CategoryFactory)


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Producto {n}")
    slug = factory.Sequence(lambda n: f"producto-{n}")
    base_sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    brand = factory.SubFactory(BrandFactory)
    category = factory.SubFactory(CategoryFactory)
    base_price = Decimal("199.90")
    status = Product.Status.ACTIVE
    description = "Un producto de prueba."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return product_save(product=model_class(*args, **kwargs))  # as the back office saves one


class OptionFactory(DjangoModelFactory):
    class Meta:
        model = Option
        django_get_or_create = ("code",)

    code = "size"
    name = factory.LazyAttribute(lambda o: {"size": "Talla", "color": "Color"}.get(o.code, o.code))


class OptionValueFactory(DjangoModelFactory):
    class Meta:
        model = OptionValue
        django_get_or_create = ("option", "slug")

    option = factory.SubFactory(OptionFactory)
    value = factory.LazyAttribute(lambda o: o.slug.upper())
    slug = "m"


class VariantFactory(DjangoModelFactory):
    class Meta:
        model = Variant
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"VAR-{n:06d}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return variant_save(variant=model_class(*args, **kwargs))  # its price history and facet rows

    @factory.post_generation
    def values(obj, create, extracted, **kwargs):
        if create and extracted:
            variant_save(variant=obj, option_values=extracted)


class ProductImageFactory(DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image = factory.LazyFunction(png_file)
    alt = "Foto"


class KitFactory(DjangoModelFactory):
    class Meta:
        model = Kit

    name = factory.Sequence(lambda n: f"Kit {n}")
    slug = factory.Sequence(lambda n: f"kit-{n}")
    discount_percent = Decimal("10.00")


class KitItemFactory(DjangoModelFactory):
    class Meta:
        model = KitItem

    kit = factory.SubFactory(KitFactory)
    product = factory.SubFactory(ProductFactory)


class CollectionFactory(DjangoModelFactory):
    class Meta:
        model = Collection

    name = factory.Sequence(lambda n: f"Drop {n}")
    slug = factory.Sequence(lambda n: f"drop-{n}")
    starts_at = factory.LazyFunction(timezone.now)


class BannerFactory(DjangoModelFactory):
    class Meta:
        model = Banner

    title = factory.Sequence(lambda n: f"Banner {n}")
    image_desktop = factory.LazyFunction(lambda: png_file("b.png"))


# --- inventory -------------------------------------------------------------------------

def make_bundle(parts, *, sku: str = "PACK-GAMER", name: str = "Pack Gamer", price: str = "999.00"):
    """A bundle product with one variant (returned) made of parts [(variant, units per bundle)]."""
    from catalog.models import BundleComponent

    product = ProductFactory(name=name, product_type=Product.Type.BUNDLE, base_price=Decimal(price))
    variant = VariantFactory(product=product, sku=sku)
    for order, (component, quantity) in enumerate(parts):
        BundleComponent.objects.create(bundle=product, component=component, quantity=quantity, order=order)
    return variant


from inventory.models import StockLevel, Supplier, Warehouse  # noqa: E402

VALID_RUCS = ["20100070970", "20131312955", "20100047218", "20601030013", "20512345671"]


class WarehouseFactory(DjangoModelFactory):
    class Meta:
        model = Warehouse

    code = factory.Sequence(lambda n: f"ALM-{n:03d}")
    name = factory.Sequence(lambda n: f"Almacén {n}")
    priority = factory.Sequence(lambda n: 10 + n)


class StockLevelFactory(DjangoModelFactory):
    """An empty stock level; give it units with stock(…) below so the ledger stays consistent."""

    class Meta:
        model = StockLevel

    variant = factory.SubFactory(VariantFactory)
    warehouse = factory.SubFactory(WarehouseFactory)


class SupplierFactory(DjangoModelFactory):
    class Meta:
        model = Supplier
        django_get_or_create = ("ruc",)

    name = factory.Sequence(lambda n: f"Proveedor {n} S.A.C.")
    ruc = factory.Iterator(VALID_RUCS)


def stock(variant=None, warehouse=None, quantity: int = 10, **level_fields) -> StockLevel:
    """A stock level holding `quantity` units, received through the service (ledger consistent)."""
    from inventory import services

    variant = variant or VariantFactory()
    warehouse = warehouse or WarehouseFactory()
    if quantity:
        services.stock_receive(variant=variant, warehouse=warehouse, quantity=quantity)
    level, _ = StockLevel.objects.get_or_create(variant=variant, warehouse=warehouse)
    if level_fields:
        StockLevel.objects.filter(pk=level.pk).update(**level_fields)
        level.refresh_from_db()
    return level


# --- shipping --------------------------------------------------------------------------

from shipping.models import Carrier, ShippingMethod, ShippingRate, ShippingZone  # noqa: E402


class ShippingZoneFactory(DjangoModelFactory):
    class Meta:
        model = ShippingZone

    name = factory.Sequence(lambda n: f"Zona {n}")
    kind = ShippingZone.Kind.LIMA_METROPOLITANA


class ShippingMethodFactory(DjangoModelFactory):
    class Meta:
        model = ShippingMethod

    code = factory.Sequence(lambda n: f"metodo-{n}")
    name = factory.Sequence(lambda n: f"Envío {n}")
    carrier = Carrier.OLVA
    min_days = 1
    max_days = 2


class ShippingRateFactory(DjangoModelFactory):
    class Meta:
        model = ShippingRate

    method = factory.SubFactory(ShippingMethodFactory)
    zone = factory.SubFactory(ShippingZoneFactory)
    weight_from = Decimal("0")
    weight_to = Decimal("1")
    price = Decimal("10.00")
