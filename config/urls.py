from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from backoffice.views import audit_list_view, payouts_view, sales_report_view
from catalog.sitemaps import sitemap_index, sitemap_section
from checkout.admin_views import staff_order_take_view
from core.admin_login import RateLimitedAdminAuthenticationForm
from core.views import csrf_token, favicon, healthz, robots_txt

admin.site.site_header = format_lazy("{} · {}", settings.STORE_NAME, _("back office"))
admin.site.site_title = settings.STORE_NAME
admin.site.index_title = _("Administration")
admin.site.login_form = RateLimitedAdminAuthenticationForm  # limited like the shop's login

# allauth answers its rate limits through handler429: a 503 instead while Redis is away.
handler429 = "core.views.rate_limited"
handler403 = "core.views.permission_denied"  # the store's refusal page, in the admin's frame there
handler500 = "core.views.server_error"
# Lists get the whole width (the order list fits at 1280 px); the breadcrumbs and the index lead back.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("monitoring.urls")),  # /metrics, for Prometheus inside the network only
    # The shopper's pages first: resolving walks the list in order on every request, and no pattern
    # below can match one of theirs (each has a prefix of its own), so the order changes no answer.
    path("", include("storefront.catalog_urls")),
    path("", include("storefront.urls")),
    path("csrf/", csrf_token, name="csrf_token"),
    path("robots.txt", robots_txt, name="robots"),
    path("favicon.ico", favicon, name="favicon"),
    path("sitemap.xml", sitemap_index, name="sitemap-index"),
    path("sitemap-<section>.xml", sitemap_section, name="sitemap-section"),
    path("admin/reports/sales/", admin.site.admin_view(sales_report_view), name="backoffice_sales_report"),
    path("admin/reports/payouts/", admin.site.admin_view(payouts_view), name="backoffice_payouts"),
    path("admin/audit/", admin.site.admin_view(audit_list_view), name="backoffice_audit"),
    # Staff take an order for a customer (WhatsApp, phone): checkout's page, under the orders admin.
    path("admin/orders/order/take/", admin.site.admin_view(staff_order_take_view), name="staff_order_take"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
    path("cart/", include("cart.urls")),
    path("checkout/", include("checkout.urls")),
    path("payments/", include("payments.urls")),
    path("payments/test-gateway/", include("payments.testgateway_urls")),  # Yape, CIP and the demo agent
    path("comprobantes/", include("receipts.urls")),
    path("", include("orders.urls")),
    path("", include("returns.urls")),
    path("", include("credit.urls")),
    path("", include("reviews.urls")),
    path("", include("legal.urls")),  # policy pages
    path("", include("complaints.urls")),  # Libro de Reclamaciones
    path("", include("favourites.urls")),  # "Mis favoritos", recently viewed
    path("", include("alerts.urls")),  # back-in-stock alerts, forgotten carts
]

if settings.SERVE_MEDIA:
    from django.urls import re_path

    from core.views import serve_media

    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve_media)]
