"""The waiting room in front of the store (early in MIDDLEWARE: before sessions, users or anything
that reads the database).

While a drop is open, or while the requests in flight over every node are above the threshold
staff set, a shopper without an admission gets a ticket (their place, in arrival order) in a
signed cookie and the waiting page, until admission reaches their ticket; then a signed admission
cookie lets them shop normally for as long as they keep using the store. Retrying with the cookie
keeps the same ticket; without it a client gets a new, later one: a bot that retries fast gains
nothing. With a cap on the shoppers inside, every shopper let in carries their ticket in the
admission cookie, and their requests mark them seen (the room counts who is inside). Static files,
health, metrics, webhooks and the admin pass; staff who opened the admin carry a staff pass. The
waiting page is a 200 (see docs/operations/waiting-room.md: a 503 would read as an outage to
monitors, the 5xx alert and load balancers) that no cache keeps."""

import os
import socket
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpResponse

from core.language import ShopLanguageMiddleware

from .page import CONTENT_SECURITY_POLICY, waiting_page
from .room import RoomSettings, Visit, current_settings, room, safely

TICKET_COOKIE = "wr_ticket"
PASS_COOKIE = "wr_pass"
# On the waiting page's answer: the shopper's place and ticket (a 200 like any page).
WAITING_HEADER = "X-Waiting-Room"
_TICKET_SALT = "waitingroom.ticket"
_PASS_SALT = "waitingroom.pass"
STAFF = "staff"
_TICKET_KIND = "t"
# A staff pass lasts a working day; a shopper's admission is renewed at most once a minute.
STAFF_PASS_SECONDS = 12 * 60 * 60
RENEW_AFTER_SECONDS = 60


def _node() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def sign_ticket(*, epoch: int, ticket: int) -> str:
    return signing.Signer(salt=_TICKET_SALT).sign(f"{epoch}:{ticket}")


def read_ticket(value: str | None) -> tuple[int, str]:
    """(ticket, epoch) from the cookie; (0, "") when absent or tampered with."""
    if not value:
        return 0, ""
    try:
        epoch, ticket = signing.Signer(salt=_TICKET_SALT).unsign(value).split(":")
        return int(ticket), epoch
    except (signing.BadSignature, ValueError):
        return 0, ""


def sign_pass(*, epoch: int | str, kind: str = "", at: float | None = None, ticket: int = 0) -> str:
    """epoch:kind:time, the ticket in the kind ("t<ticket>"): a release that read three fields and
    knew no ticket (still serving during a deploy) takes it as a shopper's admission, as before."""
    signed_at = int(at if at is not None else time.time())
    if ticket and not kind:
        kind = f"{_TICKET_KIND}{ticket}"
    return signing.Signer(salt=_PASS_SALT).sign(f"{epoch}:{kind}:{signed_at}")


@dataclass(frozen=True)
class Pass:
    valid: bool
    signed_at: float = 0.0
    ticket: int = 0  # the ticket the shopper was let in on (0: staff, or let in while nothing was counted)
    staff: bool = False


def read_pass(value: str | None, room_settings: RoomSettings) -> Pass:
    """The admission cookie, valid for the room's current queue; a staff pass holds across queues."""
    if not value:
        return Pass(False)
    try:
        epoch, kind, signed_at = signing.Signer(salt=_PASS_SALT).unsign(value).split(":")
        at = float(signed_at)
        # Passes signed before tickets were carried have an empty kind: no ticket.
        ticket = int(kind.removeprefix(_TICKET_KIND)) if kind.startswith(_TICKET_KIND) else 0
    except (signing.BadSignature, ValueError):
        return Pass(False)
    age = time.time() - at
    if kind == STAFF:
        return Pass(0 <= age < STAFF_PASS_SECONDS, at, staff=True)
    return Pass(epoch == str(room_settings.epoch) and 0 <= age < room_settings.admission_seconds, at, ticket)


def estimate_seconds(room_settings: RoomSettings, visit: Visit) -> float | None:
    """How long until the shopper's turn. The line moves at the rate at most, and only as fast as
    the store lets it (a threshold, a cap): after the opening, at the pace it was measured to move
    at; standing still, nobody can say (None)."""
    opens_in = max(room_settings.opens_at - visit.now, 0) if room_settings.drop_open else 0
    pace = room_settings.rate if opens_in or visit.pace is None else min(visit.pace, room_settings.rate)
    return opens_in + visit.place / pace if pace > 0 else None


def _set_cookie(response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _exempt(path: str) -> bool:
    return path.startswith(tuple(settings.WAITING_ROOM_EXEMPT_PREFIXES)) or path in settings.WAITING_ROOM_EXEMPT_PATHS


class RecentlySeen:
    """The shoppers inside this process marked seen lately. A shopper counts as inside while seen
    within WAITING_ROOM_ACTIVE_SECONDS: marking them on every request cost a round trip to Redis each,
    some 7 % of a worker's time in the mixed-load bench; once every sixth of the window is enough."""

    LIMIT = 10_000  # entries kept before the old ones are dropped

    def __init__(self):
        self._at: dict[tuple[int, int], float] = {}

    def due(self, epoch: int, ticket: int) -> bool:
        """Whether this shopper is to be marked seen now (then they are taken as marked)."""
        now, every = time.monotonic(), settings.WAITING_ROOM_ACTIVE_SECONDS / 6
        last = self._at.get((epoch, ticket))
        if last is not None and now - last < every:
            return False
        if len(self._at) >= self.LIMIT:
            self._at = {key: at for key, at in self._at.items() if now - at < every}
        self._at[(epoch, ticket)] = now
        return True


class WaitingRoomMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.node = _node()
        self.seen = RecentlySeen()

    def __call__(self, request):
        room_settings = current_settings()
        if not room_settings.watching:
            return self._serve(request, room_settings)
        if _exempt(request.path_info):
            return self._serve(request, room_settings)
        return self._through_room(request, room_settings)

    def _serve(self, request, room_settings: RoomSettings, shopper: int = 0):
        """A request the store serves, counted in flight while it runs when a threshold is set: the
        overload and the line's pace follow these (the payment pages included), not the waiting pages.
        With a cap, its shopper (the ticket they were let in on) is seen now: they are inside."""
        entered = None
        if room_settings.max_active > 0 and shopper and not self.seen.due(room_settings.epoch, shopper):
            shopper = 0  # marked by this process moments ago
        if room_settings.threshold > 0 or (room_settings.max_active > 0 and shopper):
            entered = safely(lambda: room().enter(self.node, shopper), None)
        try:
            response = self.get_response(request)
        finally:
            if entered is not None and entered.counted:
                safely(lambda: room().leave(self.node), None)
        if request.path_info.startswith(settings.WAITING_ROOM_STAFF_PREFIX):
            self._staff_pass(request, response)
        return response

    def _through_room(self, request, room_settings: RoomSettings):
        admission = read_pass(request.COOKIES.get(PASS_COOKIE), room_settings)
        if admission.valid:
            response = self._serve(request, room_settings, admission.ticket)
            if time.time() - admission.signed_at > RENEW_AFTER_SECONDS and not admission.staff:
                renewed = sign_pass(epoch=room_settings.epoch, ticket=admission.ticket)
                _set_cookie(response, PASS_COOKIE, renewed, room_settings.admission_seconds)
            return response
        ticket, epoch = read_ticket(request.COOKIES.get(TICKET_COOKIE))
        visit = safely(lambda: room().queue(ticket=ticket, epoch=epoch), None)
        if visit is None or visit.ticket == 0:  # Redis away, or the room is idle: nobody waits
            return self._serve(request, room_settings)
        if visit.let_in:
            # Counted inside by the step that let them in: this request need not say so again.
            response = self._serve(request, room_settings)
            signed = sign_pass(epoch=room_settings.epoch, ticket=visit.ticket)
            _set_cookie(response, PASS_COOKIE, signed, room_settings.admission_seconds)
            response.delete_cookie(TICKET_COOKIE, samesite="Lax")
            return response
        return self._waiting(request, room_settings, visit)

    def _waiting(self, request, room_settings: RoomSettings, visit: Visit) -> HttpResponse:
        estimate = estimate_seconds(room_settings, visit)
        again = request.get_full_path() if request.method in ("GET", "HEAD") else request.path
        html, refresh = waiting_page(
            place=visit.place,
            estimate_seconds=estimate,
            opens_at=room_settings.opens_at if room_settings.drop_open else 0,
            now=visit.now,
            again=again,
            language=ShopLanguageMiddleware.chosen_language(request),
        )
        response = HttpResponse(html)
        response["Cache-Control"] = "no-store, private"
        response["X-Robots-Tag"] = "noindex"
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response["Refresh"] = str(refresh)
        response[WAITING_HEADER] = f"place={visit.place}; ticket={visit.ticket}"
        if request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"  # a fragment's request: the whole page becomes the waiting page
        _set_cookie(
            response,
            TICKET_COOKIE,
            sign_ticket(epoch=room_settings.epoch, ticket=visit.ticket),
            max(int(estimate or 0) + 3600, 3600),
        )
        return response

    def _staff_pass(self, request, response) -> None:
        """Staff who opened the back office shop through the room too (checking the drop's pages)."""
        user = getattr(request, "user", None)
        if user is None or not getattr(user, "is_staff", False) or _is_staff_pass(request):
            return
        _set_cookie(response, PASS_COOKIE, sign_pass(epoch="", kind=STAFF), STAFF_PASS_SECONDS)


def staff_pass_cookie() -> tuple[str, str]:
    """(name, value) of a staff pass: what the store's own tools send to walk its pages through the
    room without a place in line or a seat under the cap (pages_warm before a drop opens)."""
    return PASS_COOKIE, sign_pass(epoch="", kind=STAFF)


def _is_staff_pass(request) -> bool:
    admission = read_pass(request.COOKIES.get(PASS_COOKIE), RoomSettings())
    return admission.staff and admission.valid
