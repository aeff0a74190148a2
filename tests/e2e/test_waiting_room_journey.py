"""In Chromium, on a phone: a drop is open, a shopper waits in the waiting room (their place, the
estimate, in Spanish), is let in and adds the product to the cart; a second shopper who came later
is still waiting, one place further back, on a desktop screen."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import DESKTOP, PHONE, screenshot, sign_in
from tests.factories import UserFactory
from waitingroom.room import forget_room, room
from waitingroom.services import room_set

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("checkout_journey")]


@pytest.fixture
def drop_open(settings):
    settings.WAITING_ROOM_STATE_SECONDS = 0  # the live server follows the room at once
    forget_room()
    # A rate this test cannot see move (one shopper per 100 s): the shopper is let in by hand.
    room_set(drop_open=True, opens_at=None, rate=Decimal("0.01"), threshold=0, admission_minutes=30, actor_id=None)
    yield
    room_set(drop_open=False, opens_at=None, rate=Decimal("5"), threshold=0, admission_minutes=30, actor_id=None)
    forget_room()


def test_a_shopper_waits_in_line_then_is_let_in_and_buys(new_page, shop, drop_open):
    page = new_page(PHONE)
    page.goto("/p/gorra-inti/")
    expect(page.get_by_role("heading", name="Estás en la fila")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("1")
    expect(page.get_by_text("Tiempo de espera estimado")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "waiting-room-in-line")

    later = new_page(DESKTOP)
    later.goto("/p/gorra-inti/")
    expect(later.get_by_role("status")).to_have_text("2")
    screenshot(later, "waiting-room-second-in-line")

    room().let_in(1)
    page.get_by_role("link", name="Actualizar ahora").click()
    page.locator("#buy-box button.add-to-cart").click()
    expect(page.locator("#cart-feedback .alert--success")).to_be_visible()
    screenshot(page, "waiting-room-let-in")

    later.reload()
    expect(later.get_by_role("status")).to_have_text("1")  # the first one is in: one place ahead


@pytest.fixture
def room_closed(settings):
    settings.WAITING_ROOM_STATE_SECONDS = 0
    settings.WAITING_ROOM_ACTIVE_SECONDS = 3  # a shopper not seen for 3 s has left (a minute in production)
    forget_room()
    yield
    room_set(drop_open=False, opens_at=None, rate=Decimal("5"), threshold=0, admission_minutes=30, actor_id=None)
    forget_room()


def test_staff_cap_the_shoppers_inside_and_a_newcomer_waits_until_one_leaves(new_page, shop, room_closed):
    """Staff set "compradores dentro a la vez" to 1 in the admin on a phone; a shopper comes in and
    buys; a second one waits on a desktop; the admin shows one inside, one waiting; when the first
    has not been seen for the window, the second is let in."""
    staff = UserFactory(email="sala@kallpa.pe", is_staff=True, is_superuser=True)
    admin = new_page(PHONE)
    sign_in(admin, "/admin/login/", staff.email, field="username")
    admin.goto("/admin/waitingroom/roomchange/add/")
    admin.get_by_label("Compradores dentro a la vez").fill("1")
    admin.get_by_label("Compradores que entran por segundo").fill("5")
    screenshot(admin, "waiting-room-admin-form")
    admin.locator("input[name=_save]").click()
    expect(admin.locator("#room-max-active")).to_have_text("1")
    assert admin.evaluate("document.documentElement.scrollWidth") <= 390

    shopper = new_page(PHONE)
    shopper.goto("/p/gorra-inti/")
    shopper.locator("#buy-box button.add-to-cart").click()
    expect(shopper.locator("#cart-feedback .alert--success")).to_be_visible()

    newcomer = new_page(DESKTOP)
    newcomer.goto("/p/gorra-inti/")
    expect(newcomer.get_by_role("heading", name="Estás en la fila")).to_be_visible()
    expect(newcomer.get_by_role("status")).to_have_text("1")

    admin.reload()
    expect(admin.locator("#room-active")).to_have_text(
        "Encendida: la tienda tiene dentro a todos los compradores que puede atender"
    )
    expect(admin.locator("#room-inside")).to_have_text("1")
    expect(admin.locator("#room-waiting")).to_have_text("1")
    screenshot(admin, "waiting-room-admin-cap")

    # The first shopper reads on, unseen for 3 s: they count as gone. The newcomer keeps the waiting
    # page open, as it asks; it refreshes itself (every 3 to 6 s this near the front) and lets them in.
    # Reloading it by hand here would race that refresh and find the page mid-navigation.
    expect(newcomer.locator("#buy-box button.add-to-cart")).to_be_visible(timeout=30_000)
    screenshot(newcomer, "waiting-room-cap-let-in")
