"""In Chromium, on a phone: a drop is open, a shopper waits in the waiting room (their place, the
estimate, in Spanish), is let in and adds the product to the cart; a second shopper who came later
is still waiting, one place further back, on a desktop screen."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import DESKTOP, PHONE, screenshot
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
