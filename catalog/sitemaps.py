from django.contrib.sitemaps import Sitemap

from .models import Brand, Category, Collection, Family, Kit, ProductLine
from .selectors import visible_products


class _Active(Sitemap):
    model = None
    changefreq = "weekly"

    def items(self):
        return self.model.objects.filter(is_active=True).order_by("pk")


class FamilySitemap(_Active):
    model = Family
    priority = 0.8


class CategorySitemap(_Active):
    model = Category
    priority = 0.7


class ProductLineSitemap(_Active):
    model = ProductLine
    priority = 0.5


class BrandSitemap(_Active):
    model = Brand
    priority = 0.5


class KitSitemap(_Active):
    model = Kit
    priority = 0.5


class CollectionSitemap(_Active):
    model = Collection
    priority = 0.6


class ProductSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return visible_products().only("slug", "updated_at").order_by("pk")

    def lastmod(self, product):
        return product.updated_at


SITEMAPS = {
    "families": FamilySitemap,
    "categories": CategorySitemap,
    "products": ProductSitemap,
    "lines": ProductLineSitemap,
    "brands": BrandSitemap,
    "kits": KitSitemap,
    "collections": CollectionSitemap,
}
