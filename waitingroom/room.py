"""The waiting room's live state, shared by every web node: in Redis when REDIS_URL is set (each
step one Lua script, so nodes never disagree and no worker has to tick), else in this process
(`make run`'s single server).

State (what staff set, `RoomSettings`) and queue (tickets issued, "let in up to ticket N", the
admission clock, until when overload keeps the room on) are two hashes. Admission is a token
bucket read by whoever asks: `rate` shoppers a second since the clock, at most one second's worth
banked, never before a drop opens, always by ticket number, i.e. in arrival order. With a
threshold set, the line also stands still while more requests than it are in flight over every
node: admission follows what the store actually serves (a slow or busy store lets fewer in), the
rate being only its ceiling. With a cap on the shoppers inside, a sorted set (ticket -> when last
seen) counts the shoppers let in and seen lately, and the line moves only while they are fewer than
the cap: what is let in is a number of shoppers the store can serve, not a momentary count of
requests."""

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.core.signals import setting_changed
from django.dispatch import receiver

from core.resilience import REDIS_ERRORS, redis_outage

# A node's in-flight count stops counting once it has not been seen for this long (a killed worker).
NODE_STALE_SECONDS = 30
# With a cap, at most this many tickets of shoppers gone from the line are passed over in one step
# (a bound on one script's time; the next step goes on).
GHOSTS_PER_STEP = 1000
# A newcomer let in straight away (nobody waiting, room under the cap) counts as inside for this share
# of the window until seen again with their admission: a client that keeps no cookies (a crawler, a bot)
# comes back as a newcomer every time and would hold a whole window's place on each request.
NEWCOMER_SHARE = 1 / 6


@dataclass(frozen=True)
class RoomSettings:
    """What staff set (waitingroom.services.room_set). epoch changes each time a drop is opened:
    tickets and admissions of an earlier queue are void."""

    epoch: int = 0
    drop_open: bool = False
    opens_at: float = 0.0  # Unix time the drop opens (admission starts); 0: at once
    rate: float = 5.0  # shoppers let in per second
    # In-flight requests over every node the store serves well: above it the room turns on (overload)
    # and the line stands still; 0: not watched.
    threshold: int = 0
    admission_seconds: int = 30 * 60  # an admission lasts this long after the shopper's last request
    # At most this many shoppers inside at once (let in and seen in the last WAITING_ROOM_ACTIVE_SECONDS);
    # the next ones wait in line, let in as others leave; 0: no cap.
    max_active: int = 0

    @classmethod
    def from_hash(cls, raw: dict) -> "RoomSettings":
        text = {
            (k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
            for k, v in raw.items()
        }
        if not text.get("epoch"):
            return cls()
        return cls(
            epoch=int(text["epoch"]),
            drop_open=text.get("drop_open") == "1",
            opens_at=float(text.get("opens_at") or 0),
            rate=float(text.get("rate") or 5),
            threshold=int(text.get("threshold") or 0),
            admission_seconds=int(text.get("admission_seconds") or 1800),
            max_active=int(text.get("max_active") or 0),
        )

    def as_hash(self) -> dict[str, str]:
        return {
            "epoch": str(self.epoch),
            "drop_open": "1" if self.drop_open else "0",
            "opens_at": repr(self.opens_at),
            "rate": repr(self.rate),
            "threshold": str(self.threshold),
            "admission_seconds": str(self.admission_seconds),
            "max_active": str(self.max_active),
        }

    @property
    def watching(self) -> bool:
        """Whether requests pass through the room at all (a drop, or overload watched)."""
        return self.drop_open or self.threshold > 0 or self.max_active > 0


@dataclass(frozen=True)
class Visit:
    """A shopper's place: `ticket` (0: the room is idle and let them in without one), let in when
    ticket <= admitted."""

    ticket: int
    admitted: int
    issued: int
    now: float
    # Shoppers let in a second over the last WAITING_ROOM_PACE_SECONDS while shoppers waited (None:
    # not measured yet): what the waiting page's estimate follows, the rate being only a ceiling.
    pace: float | None = None

    @property
    def let_in(self) -> bool:
        return self.ticket <= self.admitted

    @property
    def place(self) -> int:
        return max(self.ticket - self.admitted, 0)


@dataclass(frozen=True)
class QueueState:
    issued: int
    admitted: int
    overload_until: float
    in_flight: int
    now: float
    inside: int = 0  # shoppers let in and seen lately (counted only with a cap)

    @property
    def waiting(self) -> int:
        return max(self.issued - self.admitted, 0)


# The requests in flight over every node (KEYS[3] counts per node, KEYS[4] when each node was last
# seen; ARGV[3] the seconds after which a node not seen stops counting): `total` afterwards.
_IN_FLIGHT = """
total = 0
local seen = redis.call('HGETALL', KEYS[4])
for i = 1, #seen, 2 do
  if now - tonumber(seen[i + 1]) > tonumber(ARGV[3]) then
    redis.call('HDEL', KEYS[3], seen[i])
    redis.call('HDEL', KEYS[4], seen[i])
  else
    total = total + math.max(tonumber(redis.call('HGET', KEYS[3], seen[i]) or '0') or 0, 0)
  end
end
"""

# KEYS: state, queue, in-flight counts, nodes last seen, shoppers inside, shoppers in line. ARGV: the
# shopper's ticket and epoch (0 and "" without one), stale seconds, the overload hold, the seconds a
# shopper counts as inside after they were last seen, and as still in line.
# Returns {ticket, admitted, issued, now*1000}; ticket 0 when the room is idle (nobody queues).
# With a threshold, the store is busy when one more request served would put the requests in
# flight (served ones: the waiting pages are not counted) above it. Busy, the line stands still and
# banks nothing: admitting at the rate regardless queued those let in behind each other (the drop
# bench's checkout p99 of 8-13 s); not busy, no more are let in at once than the threshold has room
# for. Busy outside a drop turns the room on (overload) for the hold. With a cap, the room is idle only
# while fewer shoppers than it are inside and nobody waits; then the newcomer is let in on a ticket of
# their own (counted inside for a share of the window, the whole of it once they come back); else they queue, and the line lets in no more than the cap
# has room for, each ticket let in counted inside at once (its shopper has not come back yet). Tickets
# whose shoppers left the line (not seen for WAITING_ROOM_GONE_FROM_LINE_SECONDS: the waiting page
# asks again within 38 s) are passed over, not let in: they would hold a place inside for nobody (an
# earlier overload's line, a closed tab).
_QUEUE = (
    (
        """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local st = redis.call('HMGET', KEYS[1], 'epoch', 'drop_open', 'opens_at', 'rate', 'threshold', 'max_active')
if not st[1] then return {0, 0, 0, math.floor(now * 1000)} end
local max_active = tonumber(st[6]) or 0
local inside = 0
if max_active > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - tonumber(ARGV[5]))
  inside = redis.call('ZCARD', KEYS[5])
end
local q = redis.call('HMGET', KEYS[2], 'issued', 'admitted', 'clock', 'overload_until', 'pace_at', 'pace_from', 'pace')
local issued = tonumber(q[1]) or 0
local admitted = tonumber(q[2]) or 0
local clock = tonumber(q[3]) or now
local overload_until = tonumber(q[4]) or 0
local drop = st[2] == '1'
local threshold = tonumber(st[5]) or 0
local busy = false
local total = 0
if threshold > 0 then
"""
        + _IN_FLIGHT
        + """
  busy = total + 1 > threshold
end
if not drop then
  if busy then
    if now >= overload_until and max_active == 0 then
      admitted = issued
      clock = now
    end
    redis.call('HSET', KEYS[2], 'overload_until', now + tonumber(ARGV[4]))
  elseif now >= overload_until then
    if max_active == 0 then
      redis.call('HSET', KEYS[2], 'admitted', issued, 'clock', now)
      return {0, issued, issued, math.floor(now * 1000)}
    elseif inside < max_active and admitted >= issued then
      issued = issued + 1
      redis.call('HSET', KEYS[2], 'issued', issued, 'admitted', issued, 'clock', now)
      redis.call('ZADD', KEYS[5], now - tonumber(ARGV[5]) * (1 - NEWCOMER_SHARE), issued)
      return {issued, issued, issued, math.floor(now * 1000)}
    end
  end
end
local ticket = tonumber(ARGV[1]) or 0
if ARGV[2] ~= st[1] or ticket < 1 or ticket > issued then
  issued = issued + 1
  ticket = issued
end
if max_active > 0 and ticket > admitted then redis.call('ZADD', KEYS[6], now, ticket) end
local rate = tonumber(st[4])
local start = math.max(clock, now - 1)
local opens_at = tonumber(st[3]) or 0
if drop and opens_at > start then start = opens_at end
local n = math.min(math.floor((now - start) * rate), issued - admitted)
if busy then
  n = 0
  start = math.max(start, now)
elseif threshold > 0 then
  n = math.min(n, threshold - total)  -- no more at once than the store has room for
end
if max_active > 0 then
  local room_for = math.min(n, max_active - inside)
  local alive_since = now - tonumber(ARGV[6])
  local scanned = 0
  n = 0
  while admitted < issued and scanned < GHOSTS_PER_STEP do
    local next_ticket = admitted + 1
    if (tonumber(redis.call('ZSCORE', KEYS[6], next_ticket)) or 0) >= alive_since then
      if n >= room_for then break end
      n = n + 1
      redis.call('ZADD', KEYS[5], now, next_ticket)
    end
    redis.call('ZREM', KEYS[6], next_ticket)
    admitted = next_ticket
    scanned = scanned + 1
  end
elseif n > 0 then
  admitted = admitted + n
end
if n > 0 then
  clock = start + n / rate
else
  clock = start
end
-- The line's measured pace: shoppers let in a second over the last interval (-1: not measured yet).
-- A mark older than a few intervals (the line was idle meanwhile) starts the measure again.
local pace_at = tonumber(q[5]) or 0
local pace_from = tonumber(q[6]) or admitted
local pace = tonumber(q[7]) or -1
local interval = tonumber(ARGV[7])
if pace_at == 0 or now - pace_at > 4 * interval then
  pace_at, pace_from, pace = now, admitted, -1
elseif now - pace_at >= interval then
  pace = (admitted - pace_from) / (now - pace_at)
  pace_at, pace_from = now, admitted
end
redis.call('HSET', KEYS[2], 'issued', issued, 'admitted', admitted, 'clock', clock, 'pace_at', pace_at,
  'pace_from', pace_from, 'pace', pace)
return {ticket, admitted, issued, math.floor(now * 1000), math.floor(pace * 1000)}
"""
    )
    .replace("GHOSTS_PER_STEP", str(GHOSTS_PER_STEP))
    .replace("NEWCOMER_SHARE", repr(NEWCOMER_SHARE))
)

# KEYS: state, queue, in-flight counts, nodes last seen, shoppers inside. ARGV: node, hold seconds,
# stale seconds, the shopper's ticket (0: none, or not counted, as staff).
# With a cap, marks the shopper seen now. With a threshold, counts a request the store serves in,
# drops nodes not seen lately, and turns the room on (for hold seconds more) while the total is above
# the threshold. Returns {1 when counted in flight (to be counted out), the total, 1 while overload
# holds the room on}. An overload starting lets in whoever earlier overloads left in line, but never a
# drop's line, nor a line the cap holds.
_ENTER = (
    """
local st = redis.call('HMGET', KEYS[1], 'threshold', 'drop_open', 'max_active')
local threshold = tonumber(st[1] or '0') or 0
local max_active = tonumber(st[3] or '0') or 0
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local shopper = tonumber(ARGV[4]) or 0
if max_active > 0 and shopper > 0 then redis.call('ZADD', KEYS[5], now, shopper) end
if threshold <= 0 then return {0, 0, 0} end
redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
redis.call('HSET', KEYS[4], ARGV[1], now)
local total = 0
"""
    + _IN_FLIGHT
    + """
if total > threshold then
  local q = redis.call('HMGET', KEYS[2], 'issued', 'overload_until')
  if now >= (tonumber(q[2]) or 0) and st[2] ~= '1' and max_active == 0 then
    local issued = tonumber(q[1]) or 0
    redis.call('HSET', KEYS[2], 'admitted', issued, 'clock', now)
  end
  redis.call('HSET', KEYS[2], 'overload_until', now + tonumber(ARGV[2]))
  return {1, total, 1}
end
local overload_until = tonumber(redis.call('HGET', KEYS[2], 'overload_until') or '0') or 0
if now < overload_until then return {1, total, 1} end
return {1, total, 0}
"""
)

# KEYS: queue. ARGV: how many more. Lets the next shoppers in at once, in ticket order.
_LET_IN = """
local q = redis.call('HMGET', KEYS[1], 'issued', 'admitted')
local issued = tonumber(q[1]) or 0
local admitted = math.min((tonumber(q[2]) or 0) + tonumber(ARGV[1]), issued)
redis.call('HSET', KEYS[1], 'admitted', admitted)
return admitted
"""

# KEYS: in-flight counts. ARGV: node. A node dropped as stale meanwhile is not made negative.
_LEAVE = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then redis.call('HINCRBY', KEYS[1], ARGV[1], -1) end
return 0
"""


def _key(name: str) -> str:
    return cache.make_key(f"waitingroom:{name}")


def _hold_seconds() -> float:
    return float(getattr(settings, "WAITING_ROOM_OVERLOAD_HOLD_SECONDS", 30))


def _active_seconds() -> float:
    return float(settings.WAITING_ROOM_ACTIVE_SECONDS)


def _gone_from_line_seconds() -> float:
    return float(settings.WAITING_ROOM_GONE_FROM_LINE_SECONDS)


def _pace_seconds() -> float:
    return float(settings.WAITING_ROOM_PACE_SECONDS)


_KEYS = ("state", "queue", "inflight", "seen", "active", "waiting")


@dataclass(frozen=True)
class Entered:
    """A served request counted in: whether it must be counted out (a threshold counted it in
    flight), the requests in flight over every node, whether overload holds the room on."""

    counted: bool
    in_flight: int
    overloaded: bool


class RedisRoom:
    def __init__(self, client):
        self.client = client
        self._queue = client.register_script(_QUEUE)
        self._enter = client.register_script(_ENTER)
        self._leave = client.register_script(_LEAVE)
        self._let_in = client.register_script(_LET_IN)

    def settings(self) -> RoomSettings:
        return RoomSettings.from_hash(self.client.hgetall(_key("state")))

    def store(self, room: RoomSettings, *, new_queue: bool) -> None:
        with self.client.pipeline(transaction=True) as pipe:
            pipe.hset(_key("state"), mapping=room.as_hash())
            if new_queue:
                pipe.delete(_key("queue"), _key("active"), _key("waiting"))
            pipe.execute()

    def queue(self, *, ticket: int, epoch: str) -> Visit:
        keys = [_key(name) for name in _KEYS]
        args = [
            ticket,
            epoch,
            NODE_STALE_SECONDS,
            _hold_seconds(),
            _active_seconds(),
            _gone_from_line_seconds(),
            _pace_seconds(),
        ]
        found = self._queue(keys=keys, args=args)
        pace = int(found[4]) / 1000 if len(found) > 4 and int(found[4]) >= 0 else None
        return Visit(int(found[0]), int(found[1]), int(found[2]), int(found[3]) / 1000, pace)

    def enter(self, node: str, shopper: int = 0) -> Entered:
        """This request counted in flight (with a threshold) and its shopper seen now (with a cap)."""
        keys = [_key(name) for name in _KEYS]
        counted, total, overloaded = self._enter(keys=keys, args=[node, _hold_seconds(), NODE_STALE_SECONDS, shopper])
        return Entered(counted=bool(counted), in_flight=int(total), overloaded=bool(overloaded))

    def leave(self, node: str) -> None:
        self._leave(keys=[_key("inflight")], args=[node])

    def let_in(self, count: int) -> int:
        """The next `count` shoppers in line let in now, beside the rate (staff's lever); returns
        the ticket admission has reached."""
        return int(self._let_in(keys=[_key("queue")], args=[count]))

    def queue_state(self) -> QueueState:
        with self.client.pipeline(transaction=False) as pipe:
            pipe.hmget(_key("queue"), ["issued", "admitted", "overload_until"])
            pipe.hvals(_key("inflight"))
            pipe.time()
            # This node's clock for Redis' (they agree to well under a second: a figure staff read).
            pipe.zcount(_key("active"), time.time() - _active_seconds(), "+inf")
            queue, in_flight, (seconds, micros), inside = pipe.execute()
        return QueueState(
            issued=int(queue[0] or 0),
            admitted=int(queue[1] or 0),
            overload_until=float(queue[2] or 0),
            in_flight=sum(max(int(value), 0) for value in in_flight),
            now=seconds + micros / 1_000_000,
            inside=int(inside),
        )


class LocalRoom:
    """The same steps in this process, under a lock: `make run` has one server process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._state = RoomSettings()
        self._issued = self._admitted = 0
        self._clock = self._overload_until = 0.0
        self._in_flight = 0
        # With a cap: ticket -> when its shopper was last seen, inside and in line.
        self._seen: dict[int, float] = {}
        self._waiting_seen: dict[int, float] = {}
        self._pace_at = self._pace = 0.0  # the line's measured pace (Visit.pace), as the script keeps it
        self._pace_from = 0
        self._pace_known = False

    def settings(self) -> RoomSettings:
        return self._state

    def store(self, room: RoomSettings, *, new_queue: bool) -> None:
        with self._lock:
            self._state = room
            if new_queue:
                self._issued = self._admitted = 0
                self._clock = self._overload_until = 0.0
                self._seen.clear()
                self._waiting_seen.clear()
                self._pace_at, self._pace_known = 0.0, False

    def queue(self, *, ticket: int, epoch: str) -> Visit:
        now = time.time()
        with self._lock:
            room = self._state
            if not room.epoch:
                return Visit(0, 0, 0, now)
            busy = 0 < room.threshold < self._in_flight + 1
            room_for = room.threshold - self._in_flight if room.threshold > 0 else None
            inside = self._inside(now) if room.max_active > 0 else 0
            if not room.drop_open and not self._overloaded(busy, now, capped=room.max_active > 0):
                if not room.max_active:
                    self._admitted, self._clock = self._issued, now
                    return Visit(0, self._issued, self._issued, now)
                if inside < room.max_active and self._admitted >= self._issued:
                    self._issued += 1
                    self._admitted, self._clock = self._issued, now
                    self._seen[self._issued] = now - _active_seconds() * (1 - NEWCOMER_SHARE)
                    return Visit(self._issued, self._issued, self._issued, now)
            if epoch != str(room.epoch) or not 1 <= ticket <= self._issued:
                self._issued += 1
                ticket = self._issued
            if room.max_active > 0 and ticket > self._admitted:
                self._waiting_seen[ticket] = now
            if room.max_active > 0:
                room_for = min(room_for, room.max_active - inside) if room_for is not None else room.max_active - inside
            self._advance(room, now, busy, room_for)
            return Visit(ticket, self._admitted, self._issued, now, self._measure_pace(now))

    def _measure_pace(self, now: float) -> float | None:
        interval = _pace_seconds()
        if not self._pace_at or now - self._pace_at > 4 * interval:
            self._pace_at, self._pace_from, self._pace_known = now, self._admitted, False
        elif now - self._pace_at >= interval:
            self._pace = (self._admitted - self._pace_from) / (now - self._pace_at)
            self._pace_at, self._pace_from, self._pace_known = now, self._admitted, True
        return self._pace if self._pace_known else None

    def _inside(self, now: float) -> int:
        since = now - _active_seconds()
        for ticket in [ticket for ticket, seen in self._seen.items() if seen < since]:
            del self._seen[ticket]
        return len(self._seen)

    def _overloaded(self, busy: bool, now: float, *, capped: bool) -> bool:
        if busy:
            if now >= self._overload_until and not capped:
                self._admitted, self._clock = self._issued, now
            self._overload_until = now + _hold_seconds()
        return now < self._overload_until

    def _advance(self, room: RoomSettings, now: float, busy: bool, room_for: int | None) -> None:
        start = max(self._clock, now - 1)
        if room.drop_open and room.opens_at > start:
            start = room.opens_at
        let_in = min(int((now - start) * room.rate // 1), self._issued - self._admitted)
        if busy:
            let_in, start = 0, max(start, now)
        elif room_for is not None:
            let_in = min(let_in, room_for)  # no more at once than the store (or the cap) has room for
        if room.max_active > 0:
            let_in = self._let_in_present(now, max(let_in, 0))
        elif let_in > 0:
            self._admitted += let_in
        if let_in > 0:
            self._clock = start + let_in / room.rate
        else:
            self._clock = start

    def _let_in_present(self, now: float, room_for: int) -> int:
        """The next `room_for` shoppers still in line let in (counted inside at once); tickets of
        shoppers gone from the line passed over."""
        alive_since, let_in, scanned = now - _gone_from_line_seconds(), 0, 0
        while self._admitted < self._issued and scanned < GHOSTS_PER_STEP:
            ticket = self._admitted + 1
            if self._waiting_seen.get(ticket, 0.0) >= alive_since:
                if let_in >= room_for:
                    break
                let_in += 1
                self._seen[ticket] = now
            self._waiting_seen.pop(ticket, None)
            self._admitted, scanned = ticket, scanned + 1
        return let_in

    def enter(self, node: str, shopper: int = 0) -> Entered:
        with self._lock:
            now = time.time()
            if self._state.max_active > 0 and shopper > 0:
                self._seen[shopper] = now
            if self._state.threshold <= 0:
                return Entered(counted=False, in_flight=0, overloaded=False)
            self._in_flight += 1
            if self._in_flight > self._state.threshold:
                if now >= self._overload_until and not self._state.drop_open and not self._state.max_active:
                    self._admitted, self._clock = self._issued, now
                self._overload_until = now + _hold_seconds()
            return Entered(counted=True, in_flight=self._in_flight, overloaded=now < self._overload_until)

    def leave(self, node: str) -> None:
        with self._lock:
            self._in_flight = max(self._in_flight - 1, 0)

    def let_in(self, count: int) -> int:
        with self._lock:
            self._admitted = min(self._admitted + count, self._issued)
            return self._admitted

    def queue_state(self) -> QueueState:
        with self._lock:
            now = time.time()
            return QueueState(
                self._issued, self._admitted, self._overload_until, self._in_flight, now, inside=self._inside(now)
            )


_memo: tuple[float, RoomSettings] = (0.0, RoomSettings())


def current_settings() -> RoomSettings:
    """The room's settings as Redis holds them, read at most once every WAITING_ROOM_STATE_SECONDS
    in this process (a second by default: every node follows a change within it)."""
    global _memo
    read_at, found = _memo
    now = time.monotonic()
    if now - read_at >= settings.WAITING_ROOM_STATE_SECONDS:
        found = safely(lambda: room().settings(), RoomSettings())
        _memo = (now, found)
    return found


def forget_settings() -> None:
    """This process reads the settings again at its next request (after staff changed them here)."""
    global _memo
    _memo = (0.0, RoomSettings())


_room: RedisRoom | LocalRoom | None = None
_room_lock = threading.Lock()


def room() -> RedisRoom | LocalRoom:
    global _room
    if _room is None:
        with _room_lock:
            if _room is None:
                from django_redis.cache import RedisCache

                if isinstance(caches["default"], RedisCache):
                    from django_redis import get_redis_connection

                    _room = RedisRoom(get_redis_connection("default"))
                else:
                    _room = LocalRoom()
    return _room


def forget_room() -> None:
    """Tests that switch caches start from a new room."""
    global _room
    _room = None
    forget_settings()


@receiver(setting_changed, dispatch_uid="waitingroom.room.reset")
def _reset_room(setting, **kwargs) -> None:
    # A room kept on the old cache's client would ask a Redis that is gone (and open the outage
    # circuit every Redis user shares), as the cart's store would.
    if setting == "CACHES":
        forget_room()


def safely(call, fallback):
    """Redis away: the room fails open (shoppers pass) rather than turning the whole store away."""
    if not redis_outage.should_try():
        return fallback
    try:
        result = call()
    except REDIS_ERRORS as error:
        redis_outage.failed(error)
        return fallback
    redis_outage.succeeded()
    return result
