"""A back-office user who opens a page their role does not reach gets the store's own refusal
page, in Spanish, with the way back; never Django's bare "403 Forbidden"."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/admin/inventory/supplier/", "/admin/payments/payment/", "/admin/audit/", "/admin/auth/group/"]
)
def test_a_seller_on_a_staff_only_page_gets_the_stores_refusal_page(client, sellers, url):
    own, _other = sellers
    client.force_login(own.user)

    response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")

    page = response.content.decode()
    assert response.status_code == 403
    assert "403 Forbidden" not in page
    assert "No tienes acceso a esta página" in page
    assert 'href="/admin/"' in page  # back to what they may use
    assert 'id="site-name"' in page  # the back office's own frame


def test_a_shopper_refused_outside_the_admin_gets_the_shops_page(rf, user):
    from django.contrib.sessions.middleware import SessionMiddleware

    from core.views import permission_denied

    request = rf.get("/algo/")
    SessionMiddleware(lambda request: None).process_request(request)
    request.user = user
    response = permission_denied(request, exception=None)

    assert response.status_code == 403
    assert b"403 Forbidden" not in response.content
    assert 'href="/"' in response.content.decode()  # the way home
