"""The sitemaps (/sitemap.xml and its sections), their addresses on the host that serves them."""

from typing import Any
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sitemaps.views import SitemapIndexItem  # type: ignore[attr-defined]  # missing from django-stubs
from django.db.models import Model

from .models import Brand, Category, Collection, Family, Kit, ProductLine
from .selectors import visible_products


class _Active(Sitemap):
    model: type[Model] | None = None
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


SITEMAPS: "dict[str, type[Sitemap[Any]] | Sitemap[Any]]" = {
    "families": FamilySitemap,
    "categories": CategorySitemap,
    "products": ProductSitemap,
    "lines": ProductLineSitemap,
    "brands": BrandSitemap,
    "kits": KitSitemap,
    "collections": CollectionSitemap,
}


# Django writes a sitemap's <loc> with the sites framework's domain, which is SITE_DOMAIN: right for
# e-mails and jobs that have no request, wrong for a page served on another host. These views keep
# Django's (sections, pages, lastmod, headers) and write each address on the request's host and scheme
# (the host validated by ALLOWED_HOSTS).
def _on_request_host(request, location: str) -> str:
    address = urlsplit(location)
    return request.build_absolute_uri(f"{address.path}?{address.query}" if address.query else address.path)


def sitemap_index(request):
    response = sitemap_views.index(request, sitemaps=SITEMAPS, sitemap_url_name="sitemap-section")
    response.context_data["sitemaps"] = [
        SitemapIndexItem(_on_request_host(request, item.location), item.last_mod)
        for item in response.context_data["sitemaps"]
    ]
    return response


def sitemap_section(request, section: str):
    response = sitemap_views.sitemap(request, sitemaps=SITEMAPS, section=section)
    assert response.context_data is not None  # Django's view renders the section with its context
    for url in response.context_data["urlset"]:
        url["location"] = _on_request_host(request, url["location"])
        for alternate in url.get("alternates", ()):
            alternate["location"] = _on_request_host(request, alternate["location"])
    return response
